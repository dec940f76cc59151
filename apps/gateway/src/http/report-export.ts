import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import type { ReportTable } from '@app/contracts';

export const ExportFormats = ['json', 'csv', 'xlsx'] as const;
export type ExportFormat = (typeof ExportFormats)[number];

export const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8';
export const XLSX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/**
 * CSV with a header row of the column labels, UTF-8 with a byte-order mark (Excel on Chinese Windows
 * reads BOM-less CSV as GBK and garbles 总馆). Several tables are written one after the other, each
 * with its title on a line of its own and a blank line between.
 */
export function toCsv(tables: ReportTable[]): string {
  const parts = tables.map((t) => {
    const rows = t.rows.map((r) => t.columns.map((c) => r[c.key] ?? ''));
    const body = stringify([t.columns.map((c) => c.label), ...rows]);
    return tables.length > 1 ? stringify([[t.title]]) + body : body;
  });
  return '\ufeff' + parts.join('\n');
}

/** One worksheet per table, header row bold, numbers as numbers. */
export async function toXlsx(tables: ReportTable[]): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  book.creator = 'Kunshan circulation statistics';
  const used = new Set<string>();
  for (const t of tables) {
    const sheet = book.addWorksheet(sheetName(t.title, used));
    sheet.columns = t.columns.map((c) => ({
      header: c.label,
      key: c.key,
      width: Math.min(60, Math.max(10, c.label.length + 2)),
    }));
    sheet.getRow(1).font = { bold: true };
    for (const r of t.rows) sheet.addRow(Object.fromEntries(t.columns.map((c) => [c.key, r[c.key] ?? null])));
  }
  return Buffer.from(await book.xlsx.writeBuffer());
}

/** Excel sheet names: at most 31 characters, none of []:*?/\ and unique in the book. */
function sheetName(title: string, used: Set<string>): string {
  const base =
    title
      .replace(/[[\]:*?/\\]/g, ' ')
      .slice(0, 28)
      .trim() || 'report';
  let name = base;
  for (let i = 2; used.has(name); i++) name = `${base.slice(0, 26)} ${i}`;
  used.add(name);
  return name;
}
