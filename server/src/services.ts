import type { Config } from './config.js';
import { AuthService } from './modules/auth/auth.service.js';
import { ApplicationsService } from './modules/applications/applications.service.js';
import { CampaignsService } from './modules/campaigns/campaigns.service.js';

/** The services, built once at start-up; resolvers and routes reach rules only through them. */
export function createServices(config: Config) {
  const auth = new AuthService(config);
  const campaigns = new CampaignsService(config.publicUrl);
  return {
    auth,
    campaigns,
    applications: new ApplicationsService(config, auth, campaigns),
  };
}

export type Services = ReturnType<typeof createServices>;
