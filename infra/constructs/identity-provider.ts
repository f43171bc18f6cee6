import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { AccountRecovery, FeaturePlan, Mfa, StringAttribute, UserPool, type UserPoolClient, type UserPoolGroup } from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { ROLES } from '../../shared/auth/role.js';
import { PUSH_ENDPOINT_ATTRIBUTE_NAME } from '../../shared/notifications/cognito/cognito-contact-lookup.js';

export interface IdentityProviderProps {
  /**
   * What happens to the user pool (and its users) when it leaves the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Lifetime of access and id tokens; also bounds how long a revocation entry lives.
   * @default Duration.hours(1)
   */
  readonly tokenValidity?: Duration;
}

/** What the authorizer needs to trust this provider's tokens. */
export interface IdentityProviderConfig {
  /** `AUTH_JWKS_URL` */
  readonly jwksUrl: string;
  /** `AUTH_ISSUER` */
  readonly issuer: string;
  /** `AUTH_AUDIENCE`: the app client id (`client_id` of access tokens, `aud` of id tokens). */
  readonly audience: string;
}

/**
 * The Cognito user pool that issues the API's JWTs: one group per role (`admin`, `staff`,
 * `viewer`, precedence in that order; a user's role is the highest of its groups), an app
 * client without secret for SRP sign-in, admin-created accounts only, MFA (TOTP) required and
 * a strong password policy.
 */
export class IdentityProvider extends Construct {
  public readonly userPool: UserPool;
  public readonly client: UserPoolClient;
  public readonly groups: Readonly<Record<(typeof ROLES)[number], UserPoolGroup>>;
  public readonly config: IdentityProviderConfig;

  constructor(scope: Construct, id: string, props: IdentityProviderProps = {}) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const validity = props.tokenValidity ?? Duration.hours(1);

    this.userPool = new UserPool(this, 'UserPool', {
      selfSignUpEnabled: false,
      signInAliases: { username: true, email: true },
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      // `custom:push_endpoint`: the customer's SNS platform endpoint ARN, read by notification-send (docs/notifications.md).
      customAttributes: { [PUSH_ENDPOINT_ATTRIBUTE_NAME]: new StringAttribute({ mutable: true, maxLen: 2048 }) },
      featurePlan: FeaturePlan.ESSENTIALS,
      deletionProtection: removalPolicy !== RemovalPolicy.DESTROY,
      removalPolicy,
    });
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG8',
      reason:
        'Essentials plan on purpose: accounts are created by admins only (no self sign-up), MFA is required ' +
        'and machine clients use API keys, so the Plus plan (threat protection, adaptive authentication) adds ' +
        'per-user cost without covering a sign-up or credential-stuffing surface this API has. Revisit if ' +
        'self sign-up is ever enabled.',
    });

    const groups: Partial<Record<(typeof ROLES)[number], UserPoolGroup>> = {};
    // Precedence 0 is the highest: admin, then staff, then viewer.
    [...ROLES].reverse().forEach((role, precedence) => {
      groups[role] = this.userPool.addGroup(`Group-${role}`, {
        groupName: role,
        precedence,
        description: `API role ${role}`,
      });
    });
    this.groups = groups as Record<(typeof ROLES)[number], UserPoolGroup>;

    this.client = this.userPool.addClient('ApiClient', {
      authFlows: { userSrp: true },
      generateSecret: false,
      // No hosted-UI OAuth until the console uses it: CDK's default would allow the implicit flow.
      disableOAuth: true,
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: validity,
      idTokenValidity: validity,
      refreshTokenValidity: Duration.days(1),
    });

    const issuer = `https://cognito-idp.${Stack.of(this).region}.${Stack.of(this).urlSuffix}/${this.userPool.userPoolId}`;
    this.config = { issuer, jwksUrl: `${issuer}/.well-known/jwks.json`, audience: this.client.userPoolClientId };
  }
}
