/** What the admin routes of part B share: the config store, who made a change, the answer's shapes. */
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { ChangeContext, ConfigKind, ConfigStore } from '../../config-store/port.ts';

/** The part of the admin context these routes use (services/api/admin-context.ts has the whole). */
export interface ConfigAdminParts {
  store: ConfigStore;
  /** Resolves once this process's services applied the change (or after a bounded wait). */
  applied(kind: ConfigKind, id: string, version: number): Promise<void>;
}

/** Who changes something, from where: the audit's actor and address. */
export const changeOf = (req: FastifyRequest): ChangeContext => ({ actor: req.user?.login ?? 'unknown', address: req.ip });

export const BilingualSchema = Type.Object({ zh: Type.String({ minLength: 1, maxLength: 100 }), en: Type.String({ minLength: 1, maxLength: 100 }) }, { additionalProperties: false });
export const VersionField = Type.Integer({ minimum: 0, description: 'the version you read; another edit since then answers 409 with the current version' });
export const WarningSchema = Type.Object({
  code: Type.String({ description: 'roster.coverage-gap: a 24h team has nobody on duty from `at`' }),
  teamId: Type.String(),
  at: Type.Integer({ description: 'ms since the epoch' }),
  message: Type.String(),
});
export const PlanPointSchema = Type.Object({ x: Type.Number(), y: Type.Number() }, { additionalProperties: false });
export const PlanRectSchema = Type.Object({ x: Type.Number(), y: Type.Number(), w: Type.Number({ minimum: 0.01 }), h: Type.Number({ minimum: 0.01 }) }, { additionalProperties: false });
export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
