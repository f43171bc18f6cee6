import { GetSecretValueCommand, PutSecretValueCommand, ResourceNotFoundException, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { JwksStore } from '../jwks-store.js';

/** The JWKS copy in one Secrets Manager secret (`AUTH_JWKS_SECRET_ARN`): the current version's SecretString. */
export function secretJwksStore(client: SecretsManagerClient, secretId: string): JwksStore {
  return {
    async read() {
      try {
        const out = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
        return out.SecretString;
      } catch (error) {
        // A secret created without a value has no AWSCURRENT version yet.
        if (error instanceof ResourceNotFoundException) return undefined;
        throw error;
      }
    },
    async write(text) {
      await client.send(new PutSecretValueCommand({ SecretId: secretId, SecretString: text }));
    },
  };
}
