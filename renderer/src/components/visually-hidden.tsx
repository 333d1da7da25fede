import type { ReactNode } from 'react';

/** Clipped to one pixel: read by screen readers, not shown (the usual "sr-only" pattern). */
export const visuallyHiddenStyle = {
  border: 0,
  clip: 'rect(0 0 0 0)',
  height: '1px',
  margin: '-1px',
  overflow: 'hidden',
  padding: 0,
  position: 'absolute',
  whiteSpace: 'nowrap',
  width: '1px',
} as const;

/** Text for assistive technology only: e.g. a status that the eye gets from a coloured dot. */
export function VisuallyHidden({ children }: { children: ReactNode }) {
  return <span style={visuallyHiddenStyle}>{children}</span>;
}
