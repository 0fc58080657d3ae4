/** The ticket domain's public surface: pure functions over plain data, no I/O, time passed in. */
export { applyCommand } from './commands.ts';
export { openFromSignal, applySignal, shouldReopen } from './signals.ts';
export { evaluateTimers, nextTimerAt } from './timers.ts';
export { outstandingBreaches } from './deadlines.ts';
export { DEFAULT_SLA, DEFAULT_TICKET_POLICY, makeTicketPolicy, slaFor, slaOfCompound, isHigherPriority, raisedPriority } from './policy.ts';
export type { TicketPolicyOverrides } from './policy.ts';
export { COMMAND_FROM, COMMAND_TYPES, NOTE_REQUIRED, FINAL_STATES, ACTIVE_STATES, isActive, isFinal } from './states.ts';
export { NOTE_MAX_LENGTH } from './validate.ts';
export { mayView, withdrawnFrom } from './permissions.ts';
export * from './types.ts';
export { returnToDesk, isHeldBy } from './return-to-desk.ts';
