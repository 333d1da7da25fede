import { Box } from '@mui/material';
import { CopyButton } from './copy-button';
import { monospaceFont } from '../app/theme';

/** Monospace text an admin may copy: scripts, DNs, SDDL, raw attributes. */
export function CodeBlock({ text, testId, maxHeight = 240 }: { text: string; testId?: string; maxHeight?: number }) {
  return (
    <Box sx={{ position: 'relative', bgcolor: 'action.hover', borderRadius: 1, p: 1.5, pr: 5 }}>
      <Box
        component="pre"
        data-testid={testId}
        sx={{ m: 0, fontFamily: monospaceFont, fontSize: 13, whiteSpace: 'pre-wrap', overflowWrap: 'anywhere', maxHeight, overflow: 'auto' }}
      >
        {text}
      </Box>
      <Box sx={{ position: 'absolute', top: 4, right: 4 }}>
        <CopyButton text={text} />
      </Box>
    </Box>
  );
}
