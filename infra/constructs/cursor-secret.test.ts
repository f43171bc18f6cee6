import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, it } from 'vitest';
import { CursorSecret, type CursorSecretProps } from './cursor-secret.js';

function template(props?: CursorSecretProps): Template {
  const stack = new Stack(new App(), 'Test');
  new CursorSecret(stack, 'Cursor', props);
  return Template.fromStack(stack);
}

describe('CursorSecret', () => {
  it('lets Secrets Manager generate a 64-character alphanumeric key', () => {
    template().hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: { PasswordLength: 64, ExcludePunctuation: true, IncludeSpace: false },
    });
  });

  it('keeps the key when it leaves the stack by default', () => {
    template().hasResource('AWS::SecretsManager::Secret', { DeletionPolicy: 'Retain' });
  });

  it('deletes the key of throw-away stacks', () => {
    template({ removalPolicy: RemovalPolicy.DESTROY }).hasResource('AWS::SecretsManager::Secret', {
      DeletionPolicy: 'Delete',
    });
  });
});
