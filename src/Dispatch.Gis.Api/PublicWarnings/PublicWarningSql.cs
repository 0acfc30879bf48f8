using Dispatch.Gis.Auth;
using Dispatch.Gis.GraphQL;
using Dispatch.Gis.Storage;
using Npgsql;

namespace Dispatch.Gis.PublicWarnings;

/// <summary>current: only warnings aggregators show now (not cancelled, not expired; drafts never count).</summary>
internal sealed record PublicWarningFilter(TerritoryScope Scope, bool? Current, Paging Paging);

internal static class PublicWarningSql
{
    public const string WarningColumns = "w.id, w.state, w.area_source, w.zone_id, w.territory_kato, w.created_by, w.created_at, w.updated_at";

    public const string MessageColumns = """
        m.identifier, m.warning_id, m.seq, m.sender, m.sent, m.msg_type, m.status, m.refs, m.note, m.event, m.category, m.urgency, m.severity, m.certainty,
        m.response_type, m.effective, m.expires, m.texts::text, m.polygons, m.geocodes, m.zone_version, m.cap_xml, m.created_by, m.confirmed_by, m.part, m.parts
        """;

    public const string ById = $"SELECT {WarningColumns} FROM public_warnings w WHERE w.id = ANY($1) ORDER BY w.id";

    public const string MessagesOf = $"SELECT {MessageColumns} FROM public_warning_messages m WHERE m.warning_id = ANY($1) ORDER BY m.warning_id, m.seq, m.part";

    // The latest public message decides whether a warning is current; $1 is now.
    // A warning with only a draft has no public message: not current (coalesce keeps NOT (…) true for it too).
    private const string IsCurrent = """
        w.state = 'ACTIVE' AND coalesce((SELECT h.expires FROM public_warning_messages h WHERE h.warning_id = w.id AND h.status = 'ACTUAL'
                                ORDER BY h.seq DESC LIMIT 1) > {0}, false)
        """;

    public static (string Sql, NpgsqlParameter[] Parameters) List(PublicWarningFilter filter, DateTime now)
    {
        var where = Conditions(filter, now);
        var page = where.KeysetPage("w.id", filter.Paging.AfterGuid, filter.Paging.First);
        return ($"SELECT {WarningColumns} FROM public_warnings w{where.Sql}{page}", where.Parameters);
    }

    public static (string Sql, NpgsqlParameter[] Parameters) Count(PublicWarningFilter filter, DateTime now)
    {
        var where = Conditions(filter, now);
        return ($"SELECT count(*) FROM public_warnings w{where.Sql}", where.Parameters);
    }

    private static SqlConditions Conditions(PublicWarningFilter filter, DateTime now)
    {
        var where = new SqlConditions();
        where.AddScope("w.territory_kato", filter.Scope.SqlCodes);
        if (filter.Current is { } current)
        {
            where.Add(current ? IsCurrent : $"NOT ({IsCurrent})", now);
        }

        return where;
    }

    /// <summary>
    /// The latest public step of each warning: every part's message (the parts of one step share its seq). Shared by the
    /// feed, the map layer and the OGC collection.
    /// </summary>
    public const string LatestPublicStep = """
        JOIN LATERAL (SELECT h.* FROM public_warning_messages h
                      WHERE h.warning_id = w.id AND h.status = 'ACTUAL'
                        AND h.seq = (SELECT max(l.seq) FROM public_warning_messages l WHERE l.warning_id = w.id AND l.status = 'ACTUAL')) m
        """;

    /// <summary>The Atom feed: each current warning's latest public step, one entry per part, newest first.</summary>
    public const string Feed = $"""
        SELECT {MessageColumns}
        FROM public_warnings w
        {LatestPublicStep} ON true
        WHERE w.state = 'ACTIVE' AND m.expires > $1
          AND ($3::timestamptz IS NULL OR m.sent < $3 OR (m.sent = $3 AND m.identifier > $4))
        ORDER BY m.sent DESC, m.identifier
        LIMIT $2
        """;

    public const string PublicXml = "SELECT cap_xml FROM public_warning_messages WHERE identifier = $1 AND status = 'ACTUAL'";

    public const string ZoneForWarning = "SELECT geom, version, name, territory_kato, status FROM emergency_zones WHERE id = $1";

    public const string Territory = "SELECT geom, name_kk, name_ru, name_en FROM territories WHERE kato = $1";

    public const string TerritoryNames = "SELECT name_kk, name_ru, name_en FROM territories WHERE kato = $1";

    // Districts the area covers, not those it only touches along a border: the KATO geocodes of the message.
    /// <summary>The districts each of the parts $1 (in order) covers, at most 100 a part: (the part's 1-based position, kato).</summary>
    public const string Geocodes = """
        SELECT p.n, d.kato
        FROM unnest($1::geometry[]) WITH ORDINALITY p(g, n)
        CROSS JOIN LATERAL (SELECT t.kato FROM territories t
                            WHERE t.level = 'DISTRICT' AND ST_Intersects(t.geom, p.g) AND NOT ST_Touches(t.geom, p.g) ORDER BY t.kato LIMIT 100) d
        ORDER BY p.n, d.kato
        """;

    public const string InsertWarning = """
        INSERT INTO public_warnings (area_source, zone_id, territory_kato, created_by) VALUES ($1, $2, $3, $4) RETURNING id
        """;

    // At most one warning drafted from forecasts per incident: a second claim finds the first and inserts nothing.
    public const string InsertForecastDraft = """
        INSERT INTO public_warnings (area_source, zone_id, territory_kato, created_by, drafted_for_incident) VALUES ('ZONE', $1, $2, $3, $4)
        ON CONFLICT (drafted_for_incident) WHERE drafted_for_incident IS NOT NULL DO NOTHING
        RETURNING id
        """;

    public const string NextSeq = "UPDATE public_warnings SET messages = messages + 1, updated_at = clock_timestamp() WHERE id = $1 RETURNING messages";

    public const string State = "SELECT state FROM public_warnings WHERE id = $1";

    public const string SetArea = """
        UPDATE public_warnings SET area_source = $2, zone_id = $3, territory_kato = $4, updated_at = clock_timestamp() WHERE id = $1
        """;

    // A confirmed draft follows its zone, which may now lie mostly in another district.
    public const string FollowZoneTerritory = """
        UPDATE public_warnings w SET territory_kato = z.territory_kato, updated_at = clock_timestamp()
        FROM emergency_zones z WHERE w.id = $1 AND z.id = w.zone_id
        RETURNING w.territory_kato
        """;

    public const string Cancel = "UPDATE public_warnings SET state = 'CANCELLED', updated_at = clock_timestamp() WHERE id = $1";

    public const string PublicMessages = "SELECT sender, identifier, sent FROM public_warning_messages WHERE warning_id = $1 AND status = 'ACTUAL' ORDER BY seq, part";

    public const string Head = $"""
        SELECT {MessageColumns}, m.geom, w.area_source, w.zone_id, w.territory_kato
        FROM public_warning_messages m JOIN public_warnings w ON w.id = m.warning_id
        WHERE m.warning_id = $1 AND m.status = $2
          AND m.seq = (SELECT max(l.seq) FROM public_warning_messages l WHERE l.warning_id = $1 AND l.status = $2)
        ORDER BY m.part
        """;

    public const string DiscardDrafts = "UPDATE public_warning_messages SET status = 'DISCARDED' WHERE warning_id = $1 AND status = 'DRAFT'";

    public const string InsertMessage = """
        INSERT INTO public_warning_messages (identifier, warning_id, seq, sender, sent, msg_type, status, refs, note, event, category, urgency, severity,
            certainty, response_type, effective, expires, texts, geom, polygons, geocodes, zone_version, cap_xml, created_by, part, parts)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18::jsonb, ST_Multi($19), $20, $21, $22, $23, $24, $25, $26)
        """;

    public const string Confirm = """
        UPDATE public_warning_messages SET status = 'ACTUAL', sent = $2, refs = $3, cap_xml = $4, confirmed_by = $5, confirmed_at = clock_timestamp()
        WHERE identifier = $1 AND status = 'DRAFT'
        """;

    public const string FollowingZone = "SELECT id FROM public_warnings WHERE zone_id = $1 AND state = 'ACTIVE' ORDER BY id";
}
