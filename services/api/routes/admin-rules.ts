/**
 * Rule settings and the SLA policy (issue 17): per compound or for the whole site,
 * thresholds, quiet hours, grouping (mass outage) and the ticket deadlines. Validated like
 * the files (an unknown key or a value out of range names the key); effective once alerting
 * applied it (the answer waits), and open tickets keep their deadlines and stay one ticket.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { RULES_ITEM, TICKET_POLICY_ITEM } from '../../admin/config-bundle.ts';
import { checkedTicketPolicy, withCompoundSla, withScopeSettings, type RulesItem, type Scope } from '../../admin/rules.ts';
import { DEFAULT_RULE_SETTINGS, resolveCompoundSettings, type DeepPartial, type RuleSettings } from '../../alerting/domain/rules/settings.ts';
import { slaFor } from '../../alerting/domain/tickets/policy.ts';
import { CATEGORIES, PRIORITIES } from '../../alerting/domain/model.ts';
import { toDeviceContext } from '../../alerting/device-context.ts';
import type { ApiContext } from '../api-context.ts';
import { errorSchema } from '../api-errors.ts';
import { changeOf, VersionField, type ConfigAdminParts } from './admin-parts.ts';

const anyObject = Type.Object({}, { additionalProperties: true });
const SettingsBody = Type.Object(
  { version: VersionField, settings: Type.Object({}, { additionalProperties: true, description: 'the settings of this scope over the defaults (and the site), in the rules file shape: drain, door, camera, offline, deviceFault, massOutage' }) },
  { additionalProperties: false },
);
const SlaBody = Type.Object({ version: VersionField, policy: Type.Object({}, { additionalProperties: true, description: 'the ticket policy file shape: sla.byPriority, sla.byCategory, reminderEveryMs, …' }) }, { additionalProperties: false });
const CompoundSlaBody = Type.Object(
  { version: VersionField, policy: Type.Object({}, { additionalProperties: true, description: "this compound's deadlines over the site's, in the ticket policy file shape: { sla: { byPriority, byCategory } }; {} clears them" }) },
  { additionalProperties: false },
);
const CompoundParams = Type.Object({ compoundId: Type.String({ minLength: 1, maxLength: 64 }) });
const Saved = Type.Object({ version: Type.Integer() });
const responses = { 400: errorSchema, 404: errorSchema, 409: errorSchema };

export function adminRulesRoutes(app: FastifyInstance, ctx: ApiContext, admin: ConfigAdminParts): void {
  const compounds = () => ctx.site.communities.flatMap((c) => c.compounds.map((p) => p.id));
  const rules = () => admin.store.get<RulesItem>(RULES_ITEM.kind, RULES_ITEM.id) ?? { version: 0, value: {} as RulesItem };
  const policy = () => admin.store.get<Record<string, unknown>>(TICKET_POLICY_ITEM.kind, TICKET_POLICY_ITEM.id) ?? { version: 0, value: {} };

  app.get(
    '/api/rules',
    { config: { access: 'admin' }, schema: { tags: ['admin'], summary: 'Rule settings (as set, and in force per compound) and the SLA policy, with their versions', response: { 200: anyObject } } },
    async () => {
      const r = rules();
      const p = policy();
      const tickets = checkedTicketPolicy(p.value);
      const targets = (compoundId?: string) => Object.fromEntries(CATEGORIES.map((c) => [c, Object.fromEntries(PRIORITIES.map((pr) => [pr, slaFor(tickets, c, pr, compoundId)]))]));
      return {
        rules: { version: r.version, set: r.value, defaults: DEFAULT_RULE_SETTINGS, effective: Object.fromEntries(compounds().map((c) => [c, resolveCompoundSettings(r.value, c)])) },
        sla: {
          version: p.version,
          set: p.value,
          effective: targets(),
          // The deadlines a new ticket of each compound gets: the site's, or the compound's layer over them.
          effectiveByCompound: Object.fromEntries(compounds().map((c) => [c, targets(c)])),
        },
      };
    },
  );

  const putScope = (url: string, scopeOf: (params: Record<string, string>) => Scope, summary: string) =>
    app.put<{ Body: Static<typeof SettingsBody>; Params: Record<string, string> }>(
      url,
      { config: { access: 'admin' }, schema: { tags: ['admin'], summary, ...(url.includes(':') ? { params: CompoundParams } : {}), body: SettingsBody, response: { 200: Saved, ...responses } } },
      async (req) => {
        const next = withScopeSettings(rules().value, scopeOf(req.params), req.body.settings as DeepPartial<RuleSettings>, compounds(), ctx.devices.map(toDeviceContext));
        const item = admin.store.put(RULES_ITEM.kind, RULES_ITEM.id, next, req.body.version, changeOf(req));
        await admin.applied(RULES_ITEM.kind, RULES_ITEM.id, item.version);
        return { version: item.version };
      },
    );
  putScope('/api/rules/compounds/:compoundId', (p) => ({ compoundId: p.compoundId! }), "Set one compound's rule settings (thresholds, quiet hours, grouping)");
  putScope('/api/rules/site', () => 'site', 'Set the rule settings of the whole site');

  app.put<{ Body: Static<typeof SlaBody> }>(
    '/api/rules/sla',
    { config: { access: 'admin' }, schema: { tags: ['admin'], summary: "Set the site's SLA deadlines and escalation timings (new tickets get them; open ones keep theirs; the compounds' own layers stay unless the body has `compounds`)", body: SlaBody, response: { 200: Saved, ...responses } } },
    async (req) => {
      // The compounds' own deadlines stay unless the body states them (they have their own route).
      const stored = (policy().value as { compounds?: Record<string, unknown> }).compounds;
      const next = 'compounds' in req.body.policy || stored === undefined ? req.body.policy : { ...req.body.policy, compounds: stored };
      checkedTicketPolicy(next, compounds());
      const item = admin.store.put(TICKET_POLICY_ITEM.kind, TICKET_POLICY_ITEM.id, next, req.body.version, changeOf(req));
      await admin.applied(TICKET_POLICY_ITEM.kind, TICKET_POLICY_ITEM.id, item.version);
      return { version: item.version };
    },
  );

  app.put<{ Body: Static<typeof CompoundSlaBody>; Params: Static<typeof CompoundParams> }>(
    '/api/rules/sla/compounds/:compoundId',
    {
      config: { access: 'admin' },
      schema: { tags: ['admin'], summary: "Set one compound's SLA deadlines over the site's (new tickets of that compound get them; open ones keep theirs)", params: CompoundParams, body: CompoundSlaBody, response: { 200: Saved, ...responses } },
    },
    async (req) => {
      const next = withCompoundSla(policy().value, req.params.compoundId, req.body.policy, compounds());
      const item = admin.store.put(TICKET_POLICY_ITEM.kind, TICKET_POLICY_ITEM.id, next, req.body.version, changeOf(req));
      await admin.applied(TICKET_POLICY_ITEM.kind, TICKET_POLICY_ITEM.id, item.version);
      return { version: item.version };
    },
  );
}
