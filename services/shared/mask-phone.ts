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
