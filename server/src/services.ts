import type { Config } from './config.js';
import { AuthService } from './modules/auth/auth.service.js';
import { CampaignsService } from './modules/campaigns/campaigns.service.js';

/** The services, built once at start-up; resolvers and routes reach rules only through them. */
export function createServices(config: Config) {
  return {
    auth: new AuthService(config),
    campaigns: new CampaignsService(config.publicUrl),
  };
}

export type Services = ReturnType<typeof createServices>;
