import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { DevicesService } from '@tailor/engine';

@ApiTags('devices')
@ApiBearerAuth()
@Controller('devices')
export class DevicesController {
  constructor(private readonly devices: DevicesService) {}

  /**
   * Devices latency constraints can name: recorded devices (imported latency tables) and farm devices
   * (served by agents; with their online agents, runtime and measurement counts).
   */
  @Get()
  list() {
    return this.devices.list();
  }

  @Get(':id')
  get(@Param('id') id: string) {
    return this.devices.get(id);
  }
}
