import type { FineView } from '@app/contracts';
import type { FineRow } from './fines.repository';

export const toFineView = (f: FineRow): FineView => ({
  id: f.id,
  patron: { agency: f.patronAgency, barcode: f.patronBarcode },
  loanId: f.loanId,
  item: f.itemAgency && f.itemBarcode ? { agency: f.itemAgency, barcode: f.itemBarcode } : null,
  title: f.title,
  kind: f.kind,
  status: f.status,
  amountFen: f.amountFen,
  paidFen: f.paidFen,
  waivedFen: f.waivedFen,
  outstandingFen: f.amountFen - f.paidFen - f.waivedFen,
  chargeableDays: f.chargeableDays,
  note: f.note,
  createdAt: new Date(f.createdAt).toISOString(),
  updatedAt: new Date(f.updatedAt).toISOString(),
  closedAt: f.closedAt ? new Date(f.closedAt).toISOString() : null,
});
