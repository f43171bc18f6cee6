import { Aws, Duration, Lazy, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import {
  AccountRecovery,
  FeaturePlan,
  Mfa,
  OAuthScope,
  StringAttribute,
  UserPool,
  UserPoolClient,
  UserPoolClientIdentityProvider,
  type UserPoolDomain,
  type UserPoolGroup,
} from 'aws-cdk-lib/aws-cognito';
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
  /**
   * Prefix of the hosted UI's domain, `https://<prefix>.auth.<region>.amazoncognito.com`
   * (unique per region across all accounts; lowercase letters, digits, hyphens).
   * @default - the stack name, lowercased, and the account id
   */
  readonly hostedUiDomainPrefix?: string;
}

export interface ConsoleClientProps {
  /** The console's origin (`https://d123.cloudfront.net`): callback and logout URL are its root `/`. */
  readonly origin: string;
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
 * a strong password policy. The hosted UI's domain serves the web console's sign-in
 * ({@link addConsoleClient}); the authorizer's audience is every client of this provider.
 */
export class IdentityProvider extends Construct {
  public readonly userPool: UserPool;
  public readonly client: UserPoolClient;
  public readonly groups: Readonly<Record<(typeof ROLES)[number], UserPoolGroup>>;
  /** The hosted UI (sign-in pages, `/oauth2/*` endpoints) of the console's authorization code flow. */
  public readonly domain: UserPoolDomain;
  public readonly config: IdentityProviderConfig;
  /** Clients whose tokens the API accepts: the API client, then the console clients. */
  private readonly clients: UserPoolClient[] = [];
  private readonly validity: Duration;

  constructor(scope: Construct, id: string, props: IdentityProviderProps = {}) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const validity = props.tokenValidity ?? Duration.hours(1);
    this.validity = validity;

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
      // No hosted-UI OAuth on the API client (the console has a client of its own): CDK's default would allow the implicit flow.
      disableOAuth: true,
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: validity,
      idTokenValidity: validity,
      refreshTokenValidity: Duration.days(1),
    });

    this.clients.push(this.client);
    this.domain = this.userPool.addDomain('HostedUi', { cognitoDomain: { domainPrefix: props.hostedUiDomainPrefix ?? this.defaultDomainPrefix() } });

    const issuer = `https://cognito-idp.${Stack.of(this).region}.${Stack.of(this).urlSuffix}/${this.userPool.userPoolId}`;
    // Lazy: a console client added later (often in another stack) joins the authorizer's audience.
    const audience = Lazy.string({ produce: () => this.clients.map((client) => client.userPoolClientId).join(',') });
    this.config = { issuer, jwksUrl: `${issuer}/.well-known/jwks.json`, audience };
  }

  /**
   * The web console's app client, in `scope` (the stack of the console's distribution, whose
   * domain its callback URL names): public (no secret), the authorization code grant only (the
   * console always sends a PKCE S256 challenge; no implicit flow), OpenID scopes, the console
   * root as callback and logout URL, refresh only (no password flows: the hosted UI signs in),
   * revocable refresh tokens. Its id joins the authorizer's audience.
   */
  public addConsoleClient(scope: Construct, id: string, props: ConsoleClientProps): UserPoolClient {
    const validity = this.validity;
    const root = `${props.origin}/`;
    const client = new UserPoolClient(scope, id, {
      userPool: this.userPool,
      generateSecret: false,
      // Only ALLOW_REFRESH_TOKEN_AUTH: no SRP or password flow from this client.
      authFlows: { userSrp: false },
      oAuth: {
        flows: { authorizationCodeGrant: true, implicitCodeGrant: false },
        scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE],
        callbackUrls: [root],
        logoutUrls: [root],
      },
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: validity,
      idTokenValidity: validity,
      refreshTokenValidity: Duration.days(1),
    });
    this.clients.push(client);
    return client;
  }

  /** `recordsplatform-dev-123456789012`: Cognito refuses the words aws, amazon and cognito in a prefix. */
  private defaultDomainPrefix(): string {
    const name = Stack.of(this)
      .stackName.toLowerCase()
      .replace(/aws|amazon|cognito/g, '')
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40);
    const account = Token.isUnresolved(Stack.of(this).account) ? Aws.ACCOUNT_ID : Stack.of(this).account;
    return `${name || 'records'}-${account}`;
  }
}
