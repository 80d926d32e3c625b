export function AffiliateCard({ affiliate }: { affiliate: { name: string; email: string } }) {
  return (
    <section className="card profile" aria-labelledby="profile-heading" data-testid="affiliate-profile">
      <div className="profile__avatar" aria-hidden="true">
        {initials(affiliate.name || affiliate.email)}
      </div>
      <div>
        <h2 id="profile-heading" data-testid="affiliate-name">
          {affiliate.name}
        </h2>
        <p className="muted" data-testid="affiliate-email">
          {affiliate.email}
        </p>
      </div>
    </section>
  );
}

function initials(text: string): string {
  const parts = text.trim().split(/\s+/).filter(Boolean);
  return ((parts[0]?.[0] ?? '') + (parts[1]?.[0] ?? '')).toUpperCase() || '?';
}
