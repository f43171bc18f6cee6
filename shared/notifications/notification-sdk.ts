import { AdminGetUserCommand, CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { SNSClient } from '@aws-sdk/client-sns';
import { tracer } from '../powertools/tracer.js';
import type { NotificationSdk } from './aws-notification-ports.js';

/** The SDK clients of the AWS notification channels, one set per container (the ports take plain functions). */
export function notificationSdk(): NotificationSdk {
  const ses = tracer.captureAWSv3Client(new SESv2Client({}));
  const cognito = tracer.captureAWSv3Client(new CognitoIdentityProviderClient({}));
  return {
    sendEmail: (request) => ses.send(new SendEmailCommand(request)),
    adminGetUser: (request) => cognito.send(new AdminGetUserCommand(request)),
    sns: tracer.captureAWSv3Client(new SNSClient({})),
  };
}
