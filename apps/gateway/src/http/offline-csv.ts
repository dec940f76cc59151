import { parseString } from '@fast-csv/parse';
import type { OfflineTransactionDto } from '@app/contracts';

/** The CSV columns of a staff offline upload (docs/circulation.md, "Staff offline upload"). */
export const OFFLINE_CSV_COLUMNS = [
  'kind',
  'at',
  'itemAgency',
  'itemBarcode',
  'patronAgency',
  'patronBarcode',
  'dueDate',
  'id',
] as const;

export class OfflineCsvError extends Error {}

/**
 * One transaction per row, with a header row naming the columns (any order; `patronAgency`,
 * `patronBarcode`, `dueDate` and `id` may be empty or absent). Values are checked by the loans
 * service's validation like a JSON upload; this only maps columns to fields.
 */
export function parseOfflineCsv(text: string): Promise<OfflineTransactionDto[]> {
  return new Promise((resolve, reject) => {
    const rows: OfflineTransactionDto[] = [];
    parseString<Record<string, string>, Record<string, string>>(text, {
      headers: true,
      trim: true,
      ignoreEmpty: true,
      strictColumnHandling: true,
    })
      .on('error', (err: Error) => reject(new OfflineCsvError(`CSV: ${err.message}`)))
      .on('data-invalid', (_row: unknown, n: number) =>
        reject(new OfflineCsvError(`CSV row ${n}: wrong number of columns`)),
      )
      .on('data', (r: Record<string, string>) => {
        const opt = (k: string) => (r[k] ? r[k] : undefined);
        rows.push({
          kind: r.kind as OfflineTransactionDto['kind'],
          at: r.at,
          item: { agency: r.itemAgency, barcode: r.itemBarcode },
          ...(opt('patronBarcode')
            ? { patron: { agency: r.patronAgency || r.itemAgency, barcode: r.patronBarcode } }
            : {}),
          ...(opt('dueDate') ? { dueDate: r.dueDate } : {}),
          ...(opt('id') ? { id: r.id } : {}),
        });
      })
      .on('end', () => resolve(rows));
  });
}
