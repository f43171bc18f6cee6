import {
  AdminGetUserCommand,
  CognitoIdentityProviderClient,
  TooManyRequestsException as CognitoThrottled,
  UserNotFoundException,
} from '@aws-sdk/client-cognito-identity-provider';
import { MessageRejected, SendEmailCommand, SESv2Client, TooManyRequestsException } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { awsNotificationPorts } from './aws-notification-ports.js';
import type { NotificationMessage } from './notification.js';
import { NOTIFICATION_ENV } from './notification-env.js';
import { NotificationRejectedError } from './notifications.errors.js';
import { notificationSdk } from './notification-sdk.js';

const ses = mockClient(SESv2Client);
const cognito = mockClient(CognitoIdentityProviderClient);
afterEach(() => {
  ses.reset();
  cognito.reset();
});

const env = { AWS_REGION: 'eu-west-1', [NOTIFICATION_ENV.emailFrom]: 'orders@shop.example', [NOTIFICATION_ENV.userPoolId]: 'eu-west-1_Pool' };
const message: NotificationMessage = {
  channel: 'email',
  to: 'ada@example.com',
  order_id: 'ord_1',
  event_id: 'evt_1',
  event_type: 'order.completed',
  renderer: 'classic',
  subject: 'Order ord_1 completed',
  body: 'Done.',
};
const metadata = { $metadata: {} };

describe('notificationSdk (the real SESv2 and Cognito clients behind the ports)', () => {
  it('sends through SendEmailCommand', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
    await awsNotificationPorts(env, notificationSdk()).channels.email.send(message);
    expect(ses.commandCalls(SendEmailCommand)[0]!.args[0].input).toMatchObject({
      FromEmailAddress: 'orders@shop.example',
      Destination: { ToAddresses: ['ada@example.com'] },
    });
  });

  it('SES throttling is rethrown (the record fails and is redelivered); MessageRejected is a permanent rejection', async () => {
    ses
      .on(SendEmailCommand)
      .rejectsOnce(new TooManyRequestsException({ message: 'Maximum sending rate exceeded.', ...metadata }))
      .rejectsOnce(new MessageRejected({ message: 'Email address is not verified.', ...metadata }));
    const { email } = awsNotificationPorts(env, notificationSdk()).channels;
    await expect(email.send(message)).rejects.toBeInstanceOf(TooManyRequestsException);
    await expect(email.send(message)).rejects.toBeInstanceOf(NotificationRejectedError);
  });

  it('looks the customer up with AdminGetUser; a missing user has no addresses, throttling is rethrown', async () => {
    cognito
      .on(AdminGetUserCommand, { Username: 'sub-ada' })
      .resolves({
        Username: 'ada',
        Enabled: true,
        UserAttributes: [
          { Name: 'email', Value: 'ada@example.com' },
          { Name: 'email_verified', Value: 'true' },
        ],
      })
      .on(AdminGetUserCommand, { Username: 'sub-gone' })
      .rejects(new UserNotFoundException({ message: 'User does not exist.', ...metadata }))
      .on(AdminGetUserCommand, { Username: 'sub-busy' })
      .rejects(new CognitoThrottled({ message: 'Rate exceeded', ...metadata }));
    const { contacts } = awsNotificationPorts(env, notificationSdk());
    expect(await contacts.contactOf('sub-ada')).toEqual({ email: 'ada@example.com' });
    expect(await contacts.contactOf('sub-gone')).toEqual({});
    await expect(contacts.contactOf('sub-busy')).rejects.toBeInstanceOf(CognitoThrottled);
    expect(cognito.commandCalls(AdminGetUserCommand)[0]!.args[0].input).toEqual({ UserPoolId: 'eu-west-1_Pool', Username: 'sub-ada' });
  });
});
