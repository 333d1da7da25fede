import {
  AlreadyExistsError,
  ConfidentialityRequiredError,
  ConstraintViolationError,
  InsufficientAccessError,
  InvalidCredentialsError,
  NoSuchObjectError,
  ResultCodeError,
  StrongAuthRequiredError,
  UnwillingToPerformError,
} from 'ldapts';
import { ApiError } from '@shared/errors';

/** TLS verification failures Node reports; any of them means "this certificate is not trusted". */
const certificateErrorCodes = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

const unreachableCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EPIPE']);

/** AD's "data NNN" sub-codes on a failed bind, in admin terms. */
const bindSubCodes: Record<string, string> = {
  '525': 'the account does not exist',
  '52e': 'the user name or password is wrong',
  '530': 'the account may not log on at this time',
  '531': 'the account may not log on from this workstation',
  '532': 'the password has expired',
  '533': 'the account is disabled',
  '701': 'the account has expired',
  '773': 'the password must be changed before first logon',
  '775': 'the account is locked out',
};

export function isCertificateError(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' && certificateErrorCodes.has(code);
}

export function isConnectionLost(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  const message = error instanceof Error ? error.message : '';
  return (
    (typeof code === 'string' && unreachableCodes.has(code)) ||
    /Connection closed|socket hang up|Connection timeout|not connected|write after end|ECONNRESET/i.test(message)
  );
}

/**
 * Translates an ldapts / socket / TLS error into an ApiError with a message an admin can act on.
 * `target` says what was being done ("bind to dc1.contoso.test:636", "write CN=…").
 */
export function toDirectoryError(error: unknown, target: string): ApiError {
  if (error instanceof ApiError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown })?.code;

  if (isCertificateError(error)) {
    return new ApiError('CERT_UNTRUSTED', `The certificate presented for ${target} is not trusted (${String(code)}).`, { reason: code });
  }
  if (error instanceof InvalidCredentialsError) {
    const sub = /data ([0-9a-f]{3})/i.exec(message)?.[1]?.toLowerCase();
    const why = (sub && bindSubCodes[sub]) ?? 'the user name or password is wrong';
    return new ApiError('AUTH_FAILED', `The domain controller refused the sign-in for ${target}: ${why}.`, { adCode: sub });
  }
  if (error instanceof StrongAuthRequiredError || error instanceof ConfidentialityRequiredError) {
    return new ApiError(
      'STRONG_AUTH_REQUIRED',
      `The domain controller requires strong authentication for ${target}. Use LDAPS (port 636) or StartTLS so that the bind is encrypted.`,
    );
  }
  if (error instanceof InsufficientAccessError) {
    return new ApiError('ACCESS_DENIED', `The directory refused access: ${target}. The bound account lacks the permission.`, { ldap: shortLdap(message) });
  }
  if (error instanceof NoSuchObjectError) {
    return new ApiError('NOT_FOUND', `The object does not exist: ${target}.`);
  }
  if (error instanceof AlreadyExistsError) {
    return new ApiError('ALREADY_EXISTS', `An object with that name already exists: ${target}.`);
  }
  if (error instanceof ConstraintViolationError || error instanceof UnwillingToPerformError) {
    return new ApiError('DIRECTORY_ERROR', `The directory refused the change to ${target}: ${shortLdap(message)}`, {
      ldap: shortLdap(message),
      ldapCode: error.code,
    });
  }
  if (error instanceof ResultCodeError) {
    return new ApiError('DIRECTORY_ERROR', `The directory reported an error for ${target}: ${shortLdap(message)}`, { ldapCode: error.code });
  }
  if (isConnectionLost(error) || /timeout/i.test(message)) {
    return new ApiError('DC_UNREACHABLE', `The domain controller could not be reached for ${target} (${typeof code === 'string' ? code : message}).`);
  }
  return new ApiError('DIRECTORY_ERROR', `Directory operation failed for ${target}: ${message}`);
}

function shortLdap(message: string): string {
  return message.replace(/\s+Code: 0x[0-9a-f]+$/i, '').slice(0, 400);
}
