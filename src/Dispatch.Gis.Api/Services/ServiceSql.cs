namespace Dispatch.Gis.Services;

internal static class ServiceSql
{
    public const string Columns = "s.id, s.code, s.kind, s.name, s.territory_kato, s.duty_officer, s.phones, s.call_signs";

    public const string ById = $"SELECT {Columns} FROM duty_services s WHERE s.id = ANY($1)";

    public const string ChannelsByService = "SELECT id, service_id, kind, address, label FROM service_channels WHERE service_id = ANY($1) ORDER BY kind, address";

    public const string Upsert = """
        INSERT INTO duty_services AS s (code, kind, name, territory_kato, duty_officer, phones, call_signs)
        VALUES ($1, $2, $3, $4, $5, $6, $7)
        ON CONFLICT (code) DO UPDATE SET kind = EXCLUDED.kind, name = EXCLUDED.name, territory_kato = EXCLUDED.territory_kato,
            duty_officer = EXCLUDED.duty_officer, phones = EXCLUDED.phones, call_signs = EXCLUDED.call_signs, updated_at = clock_timestamp()
        RETURNING s.id, s.territory_kato, (xmax = 0) AS inserted
        """;

    // Channels are replaced as a set, but rows that stay keep their ids, so open comms checks still point at them.
    public const string DeleteMissingChannels = """
        DELETE FROM service_channels c WHERE c.service_id = $1
          AND NOT EXISTS (SELECT 1 FROM unnest($2::text[], $3::text[]) AS k(kind, address) WHERE k.kind = c.kind AND k.address = c.address)
          AND NOT EXISTS (SELECT 1 FROM comms_checks cc WHERE cc.channel_id = c.id)
        """;

    public const string UpsertChannels = """
        INSERT INTO service_channels (service_id, kind, address, label)
        SELECT $1, k.kind, k.address, k.label FROM unnest($2::text[], $3::text[], $4::text[]) AS k(kind, address, label)
        ON CONFLICT (service_id, kind, address) DO UPDATE SET label = EXCLUDED.label
        """;

    // Partners of the territory and of its districts (a region's shift checks every partner inside it).
    public const string StartShift = """
        WITH shift AS (
            INSERT INTO shifts (territory_kato, started_by) VALUES ($1, $2) RETURNING id, territory_kato, started_by, started_at
        ), checks AS (
            INSERT INTO comms_checks (shift_id, service_id, channel_id)
            SELECT shift.id, s.id, c.id
            FROM shift
            JOIN duty_services s ON s.territory_kato = shift.territory_kato OR substr(s.territory_kato, 1, 2) || '0000000' = shift.territory_kato
            JOIN service_channels c ON c.service_id = s.id
            WHERE s.kind <> 'UDDS_112'
            RETURNING 1
        )
        SELECT id, territory_kato, started_by, started_at, (SELECT count(*) FROM checks) FROM shift
        """;

    public const string ShiftById = "SELECT id, territory_kato, started_by, started_at FROM shifts WHERE id = ANY($1)";

    public const string LatestShift = "SELECT id, territory_kato, started_by, started_at FROM shifts WHERE territory_kato = $1 ORDER BY started_at DESC LIMIT 1";

    public const string ChecksByShift = """
        SELECT shift_id, service_id, channel_id, result, note, confirmed_duty_officer, checked_at, checked_by
        FROM comms_checks WHERE shift_id = ANY($1) ORDER BY service_id, channel_id
        """;

    public const string RecordCheck = """
        UPDATE comms_checks SET result = $3, note = $4, confirmed_duty_officer = $5, checked_at = clock_timestamp(), checked_by = $6
        WHERE shift_id = $1 AND channel_id = $2
        RETURNING shift_id, service_id, channel_id, result, note, confirmed_duty_officer, checked_at, checked_by
        """;
}
