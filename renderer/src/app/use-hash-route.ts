import { useCallback, useEffect, useState } from 'react';
import { readHashRoute } from './hash-route';

/**
 * The current screen lives in the URL hash (#/topology?dn=…), so a reload or a copied link keeps
 * the admin's place without a router library.
 */
export function useHashRoute(fallback: string): { path: string; params: URLSearchParams; navigate: (path: string, params?: Record<string, string>) => void } {
  const read = () => readHashRoute(fallback);
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const onChange = () => setRoute(read());
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  });
  const navigate = useCallback((path: string, params?: Record<string, string>) => {
    const query = params ? new URLSearchParams(params).toString() : '';
    window.location.hash = `#/${path}${query ? `?${query}` : ''}`;
  }, []);
  return { ...route, navigate };
}
