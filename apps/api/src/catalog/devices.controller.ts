import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { DevicesService } from '@tailor/engine';

@ApiTags('devices')
@ApiBearerAuth()
@Controller('devices')
export class DevicesController {
  constructor(private readonly devices: DevicesService) {}

  /** Devices latency constraints can name: recorded devices (imported latency tables) for now. */
  @Get()
  list() {
    return this.devices.list();
  }
}
