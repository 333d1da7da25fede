import { Alert, Box, Button, FormControl, InputLabel, MenuItem, Paper, Select, Stack, Typography } from '@mui/material';
import DownloadIcon from '@mui/icons-material/Download';
import UploadFileIcon from '@mui/icons-material/UploadFile';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { enablementCsvTemplate } from '@shared/enablement/csv-template';
import { csvDelimiterNames, csvDelimiterSchema, csvEncodingSchema, type CsvDelimiter as Delimiter, type ImportSummary } from '@shared/models/enablement';
import type { ApiError } from '@shared/errors';
import { toApiError, useApi } from '../../api/api-context';
import { downloadText } from '../../components/download-text';
import { ErrorAlert } from '../../components/error-alert';
import { csvFileTypes, importCsvFile } from './read-file';

type Encoding = (typeof csvEncodingSchema.options)[number];

/**
 * Step 1: a file by drag-and-drop or picker, with encoding and delimiter detected (or overridden),
 * or a template to fill in. Locked while a job of the current file runs or is paused, so the grid
 * the job belongs to stays on screen.
 */
export function ImportPanel({
  summary,
  onImported,
  onImporting,
  locked,
}: {
  summary?: ImportSummary;
  onImported: (summary: ImportSummary) => void;
  /** A file is being read: the file on screen is about to be replaced, so nothing should act on it. */
  onImporting: (importing: boolean) => void;
  locked: boolean;
}) {
  const { t } = useTranslation('enablement');
  const api = useApi();
  const input = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File>();
  const [encoding, setEncoding] = useState<Encoding | 'auto'>('auto');
  const [delimiter, setDelimiter] = useState<Delimiter | 'auto'>('auto');
  const [dragging, setDragging] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError>();

  const load = async (picked: File, overrides: { encoding: Encoding | 'auto'; delimiter: Delimiter | 'auto' }) => {
    setFile(picked);
    setBusy(true);
    onImporting(true);
    setError(undefined);
    try {
      onImported(
        await importCsvFile(api, picked, {
          ...(overrides.encoding !== 'auto' ? { encoding: overrides.encoding } : {}),
          ...(overrides.delimiter !== 'auto' ? { delimiter: overrides.delimiter } : {}),
        }),
      );
    } catch (e) {
      setError(toApiError(e));
    } finally {
      setBusy(false);
      onImporting(false);
    }
  };
  const reload = (next: { encoding?: Encoding | 'auto'; delimiter?: Delimiter | 'auto' }) => {
    const overrides = { encoding: next.encoding ?? encoding, delimiter: next.delimiter ?? delimiter };
    setEncoding(overrides.encoding);
    setDelimiter(overrides.delimiter);
    if (file) void load(file, overrides);
  };

  return (
    <Paper variant="outlined" sx={{ p: 2 }}>
      <Stack direction={{ xs: 'column', md: 'row' }} spacing={2} sx={{ alignItems: { md: 'center' } }}>
        <Box
          onDragOver={(e) => {
            e.preventDefault();
            setDragging(true);
          }}
          onDragLeave={() => setDragging(false)}
          onDrop={(e) => {
            e.preventDefault();
            setDragging(false);
            const dropped = e.dataTransfer.files[0];
            if (dropped && !locked) void load(dropped, { encoding, delimiter });
          }}
          data-testid="csv-drop-zone"
          sx={{
            flexGrow: 1,
            border: 2,
            borderStyle: 'dashed',
            borderColor: dragging ? 'primary.main' : 'divider',
            borderRadius: 1,
            p: 2,
            textAlign: 'center',
            bgcolor: dragging ? 'action.hover' : undefined,
          }}
        >
          <Typography variant="body2" color="text.secondary" sx={{ mb: 1 }}>
            {t(locked ? 'import.locked' : 'import.drop')}
          </Typography>
          <Stack direction="row" spacing={1} sx={{ justifyContent: 'center', flexWrap: 'wrap', rowGap: 1 }}>
            <Button
              variant="contained"
              startIcon={<UploadFileIcon />}
              onClick={() => input.current?.click()}
              disabled={busy || locked}
              data-testid="csv-choose"
            >
              {t('import.choose')}
            </Button>
            <Button
              startIcon={<DownloadIcon />}
              onClick={() => {
                const template = enablementCsvTemplate();
                downloadText(template.fileName, template.mimeType, template.content);
              }}
              data-testid="csv-template"
            >
              {t('import.template')}
            </Button>
          </Stack>
          <input
            ref={input}
            type="file"
            accept={csvFileTypes}
            hidden
            data-testid="csv-file-input"
            onChange={(e) => {
              const picked = e.target.files?.[0];
              if (picked && !locked) void load(picked, { encoding, delimiter });
              e.target.value = '';
            }}
          />
        </Box>
        <Stack spacing={1.5} sx={{ minWidth: 220 }}>
          <FormControl size="small">
            <InputLabel id="csv-encoding">{t('import.encoding')}</InputLabel>
            <Select
              labelId="csv-encoding"
              label={t('import.encoding')}
              value={encoding}
              onChange={(e) => reload({ encoding: e.target.value as Encoding | 'auto' })}
              disabled={locked}
              data-testid="csv-encoding"
            >
              <MenuItem value="auto">{t('import.auto')}</MenuItem>
              {csvEncodingSchema.options.map((e) => (
                <MenuItem key={e} value={e}>
                  {t(`encodings.${e}`)}
                </MenuItem>
              ))}
            </Select>
          </FormControl>
          <FormControl size="small">
            <InputLabel id="csv-delimiter">{t('import.delimiter')}</InputLabel>
            <Select
              labelId="csv-delimiter"
              label={t('import.delimiter')}
              value={delimiter}
              onChange={(e) => reload({ delimiter: e.target.value as Delimiter | 'auto' })}
              disabled={locked}
              data-testid="csv-delimiter"
            >
              <MenuItem value="auto">{t('import.auto')}</MenuItem>
              {csvDelimiterSchema.options.map((d) => (
                <MenuItem key={d} value={d}>
                  {t(`delimiters.${csvDelimiterNames[d]}`)}
                </MenuItem>
              ))}
            </Select>
          </FormControl>
        </Stack>
      </Stack>
      <ErrorAlert error={error} testId="import-error" />
      {summary && (
        <Stack spacing={1} sx={{ mt: 2 }}>
          <Typography variant="body2" data-testid="import-summary">
            {t('import.summary', {
              file: summary.fileName,
              count: summary.rowCount,
              encoding: t(`encodings.${summary.encoding}`),
              delimiter: t(`delimiters.${csvDelimiterNames[summary.delimiter]}`),
              how: t(`detection.${summary.encodingDetection}`),
            })}
          </Typography>
          {summary.encodingDetection === 'heuristic' && <Alert severity="info">{t('import.checkEncoding')}</Alert>}
          {summary.replacementCharacters > 0 && <Alert severity="warning">{t('import.replacement', { count: summary.replacementCharacters })}</Alert>}
          {summary.problems.length > 0 && (
            <Alert severity="warning" data-testid="import-problems">
              {t('import.problems', { count: summary.problems.length })}
              <Box component="ul" sx={{ m: 0, pl: 2 }}>
                {summary.problems.slice(0, 5).map((p) => (
                  <li key={p.line}>{t('import.problemLine', { line: p.line, message: p.message })}</li>
                ))}
              </Box>
            </Alert>
          )}
        </Stack>
      )}
    </Paper>
  );
}
