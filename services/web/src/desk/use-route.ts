import { useEffect, useState } from 'preact/hooks';
import { parseHash, type DeskRoute } from '../logic/routes.ts';

export function useRoute(): DeskRoute {
  const [route, setRoute] = useState(() => parseHash(location.hash));
  useEffect(() => {
    const on = () => setRoute(parseHash(location.hash));
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}
