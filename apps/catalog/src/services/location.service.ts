import { Injectable } from '@nestjs/common';
import { DomainError } from '@app/common';
import { AgencyView, BranchView, ErrorCode, UpsertAgencyDto, UpsertBranchDto } from '@app/contracts';
import { LocationRepository } from '../repositories/location.repository';
import { toAgencyView, toBranchView } from './catalog.mapper';

@Injectable()
export class LocationService {
  constructor(private readonly locations: LocationRepository) {}

  async upsertAgency(dto: UpsertAgencyDto): Promise<AgencyView> {
    await this.locations.upsertAgency({ ...dto, timezone: dto.timezone ?? 'Asia/Shanghai' });
    return (await this.listAgencies()).find((a) => a.isil === dto.isil)!;
  }

  async upsertBranch(dto: UpsertBranchDto): Promise<BranchView> {
    if (!(await this.locations.findAgency(dto.agency))) {
      throw new DomainError(ErrorCode.AgencyUnknown, `agency ${dto.agency} is not registered`);
    }
    await this.locations.upsertBranch(dto);
    return toBranchView((await this.locations.findBranch(dto.code))!);
  }

  async listAgencies(): Promise<AgencyView[]> {
    const [agencies, branches] = await Promise.all([this.locations.listAgencies(), this.locations.listBranches()]);
    return agencies.map((a) => toAgencyView(a, branches));
  }

  async requireBranch(code: string): Promise<void> {
    if (!(await this.locations.findBranch(code))) {
      throw new DomainError(ErrorCode.BranchUnknown, `branch ${code} is not registered`);
    }
  }
}
