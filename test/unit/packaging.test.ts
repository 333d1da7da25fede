import { join } from 'node:path';
import type { Configuration } from 'app-builder-lib';
import { DebugLogger } from 'builder-util';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config.js';
import { describe, expect, it } from 'vitest';

/**
 * The package's Electron fuses, read and validated by electron-builder's own code (the binary
 * they are flipped in cannot be built here): a misspelt key would fail its schema.
 */
describe('electron-builder.yml', () => {
  it('is a valid configuration that locks the packaged binary down with fuses', async () => {
    const config: Configuration = await getConfig(join(import.meta.dirname, '../..'), null, null);
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
  });
});
