import { useEffect } from 'preact/hooks';
import { getSitePlan } from '../api/endpoints.ts';
import type { SitePlan } from '../api/views.ts';
import { useLoad, type Loaded } from '../ui/hooks.ts';

/** The plan with live device states and drain levels, refreshed while the view is open. */
export function useSitePlan(refreshMs = 15_000, bump: unknown = undefined): Loaded<SitePlan> {
  const plan = useLoad((signal) => getSitePlan(signal), [bump]);
  useEffect(() => {
    const id = setInterval(plan.reload, refreshMs);
    return () => clearInterval(id);
  }, [plan.reload, refreshMs]);
  return plan;
}
