/**
 * A phone number for eyes that do not need it: every character but the last four becomes
 * `*`, so a person still recognises their own number and nobody else can dial it.
 */
export const maskPhone = (phone: string | undefined): string | undefined => (phone ? `${'*'.repeat(Math.max(0, phone.length - 4))}${phone.slice(-4)}` : undefined);

/**
 * Where phone numbers may sit in a log line's fields: a staff member or a report logged
 * whole, up to two levels down. pino masks these paths before the line is written.
 */
export const PHONE_LOG_PATHS = ['phone', '*.phone', '*.*.phone', 'callerPhone', '*.callerPhone', '*.*.callerPhone'];

/** An e-mail address for eyes that do not need it: the first letter and the domain stay, so a person recognises theirs. */
export const maskEmail = (email: string | undefined): string | undefined => {
  if (!email) return undefined;
  const at = email.lastIndexOf('@');
  return at <= 0 ? '*'.repeat(email.length) : `${email[0]}***${email.slice(at)}`;
};

/** Where e-mail addresses may sit in a log line's fields (people logged whole, up to two levels down). */
export const EMAIL_LOG_PATHS = ['email', '*.email', '*.*.email'];

/** pino's censor for the personal-data paths: each kind of value masked its own way. */
export const maskPersonalData = (value: unknown, path: readonly string[]): unknown => {
  if (typeof value !== 'string') return value;
  return path.at(-1) === 'email' ? maskEmail(value) : maskPhone(value);
};
