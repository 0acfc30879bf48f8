using System.Globalization;
using System.Text.Json;
using Dispatch.Gis.Events;
using Dispatch.Gis.GraphQL;
using Dispatch.Gis.Storage;
using NetTopologySuite.Geometries;
using Npgsql;

namespace Dispatch.Gis.PublicWarnings;

/// <summary>Where the officer says the warning applies; exactly one is set.</summary>
internal sealed record AreaRequest(Guid? Zone, string? Territory, Geometry? Polygon);

internal static class PublicWarningDb
{
    private static readonly JsonSerializerOptions TextJson = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    private sealed record StoredText(string Language, string Headline, string? Description, string? Instruction, string? AreaDesc);

    public static async Task<Dictionary<Guid, PublicWarning>> ByIdAsync(NpgsqlDataSource db, IReadOnlyList<Guid> ids, CancellationToken ct) =>
        (await ReadAsync(db, PublicWarningSql.ById, [new NpgsqlParameter { Value = ids.ToArray() }], ct)).ToDictionary(w => w.Id);

    public static async Task<Connection<PublicWarning>> ListAsync(NpgsqlDataSource db, PublicWarningFilter filter, DateTime now, CancellationToken ct)
    {
        var (sql, parameters) = PublicWarningSql.List(filter, now);
        var rows = await ReadAsync(db, sql, parameters, ct);
        var (countSql, countParameters) = PublicWarningSql.Count(filter, now);
        return Connection<PublicWarning>.Page(rows, filter.Paging, w => Paging.EncodeCursor(w.Id.ToString()), token => Db.CountAsync(db, countSql, countParameters, token));
    }

    /// <summary>The CAP document of a public message; null for a draft, a discarded draft or nothing.</summary>
    public static async Task<string?> PublicXmlAsync(NpgsqlDataSource db, string identifier, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(PublicWarningSql.PublicXml);
        cmd.Parameters.Add(new NpgsqlParameter { Value = identifier });
        return await cmd.ExecuteScalarAsync(ct) as string;
    }

    /// <summary>Current messages, newest first, from just after <paramref name="after"/> (a page's last entry) when given.</summary>
    public static async Task<List<WarningMessage>> FeedAsync(NpgsqlDataSource db, DateTime now, int limit, (DateTime Sent, string Identifier)? after,
        CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(PublicWarningSql.Feed);
        cmd.Parameters.Add(new NpgsqlParameter { Value = now });
        cmd.Parameters.Add(new NpgsqlParameter { Value = limit });
        cmd.Parameters.Add(new NpgsqlParameter { Value = after is { } a ? a.Sent : DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
        cmd.Parameters.Add(new NpgsqlParameter { Value = after is { } b ? b.Identifier : DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        var rows = new List<WarningMessage>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add(MapMessage(reader));
        }

        return rows;
    }

    /// <summary>
    /// The area a message will carry. A zone is locked first (a redraw waits until this warning is in, so it drafts an
    /// update for it; zones come before warnings in the lock order) and read at its current version.
    /// </summary>
    public static async Task<WarningArea> ResolveAreaAsync(UnitOfWork w, AreaRequest request, PublicWarningOptions options, CancellationToken ct)
    {
        if (request.Zone is { } zone)
        {
            if ((await w.LockAsync(LockedTable.EmergencyZones, [zone], ct)).Count == 0)
            {
                throw new NotFoundException("no such zone", "input.area.zone");
            }

            await using var cmd = w.Command(PublicWarningSql.ZoneForWarning);
            cmd.Parameters.Add(new NpgsqlParameter { Value = zone });
            Geometry shape;
            int version;
            string name;
            string? territory;
            await using (var reader = await cmd.ExecuteReaderAsync(ct))
            {
                await reader.ReadAsync(ct);
                if (reader.GetString(4) != "ACTIVE")
                {
                    throw new ConflictException("the zone is closed: warn about an active zone, a territory or a drawn area", "input.area.zone");
                }

                (shape, version, name, territory) = (reader.GetFieldValue<Geometry>(0), reader.GetInt32(1), reader.GetString(2), Db.TextOrNull(reader, 3));
            }

            return await AreaAsync(w, WarningAreaSource.Zone, zone, version, territory, shape, Same(name), options, ct);
        }

        if (request.Territory is { } kato)
        {
            await using var cmd = w.Command(PublicWarningSql.Territory);
            cmd.Parameters.Add(new NpgsqlParameter { Value = kato });
            Geometry shape;
            IReadOnlyDictionary<WarningLanguage, string> names;
            await using (var reader = await cmd.ExecuteReaderAsync(ct))
            {
                if (!await reader.ReadAsync(ct))
                {
                    throw new NotFoundException($"no territory with KATO {kato}", "input.area.territory");
                }

                shape = reader.GetFieldValue<Geometry>(0);
                names = Names(reader.GetString(1), reader.GetString(2), reader.GetString(3));
            }

            var parts = CapArea.Separate(shape, options.MaxSeparateAreas).Select(piece => Part(piece, [kato], options)).ToList();
            return new WarningArea(WarningAreaSource.Territory, null, null, kato, shape, parts, names);
        }

        var drawn = request.Polygon!;
        await using var main = w.Command(Zones.ZoneSql.MainTerritoryOf);
        main.Parameters.Add(new NpgsqlParameter { Value = drawn });
        var mainTerritory = await main.ExecuteScalarAsync(ct) as string;
        return await AreaAsync(w, WarningAreaSource.Polygon, null, null, mainTerritory, drawn, await TerritoryNamesAsync(w, mainTerritory, ct), options, ct);
    }

    private static async Task<WarningArea> AreaAsync(UnitOfWork w, WarningAreaSource source, Guid? zone, int? version, string? territory, Geometry shape,
        IReadOnlyDictionary<WarningLanguage, string> names, PublicWarningOptions options, CancellationToken ct)
    {
        var pieces = CapArea.Separate(shape, options.MaxSeparateAreas);
        // Every part's districts in one statement: rows come as (the part's 1-based position, kato).
        var geocodes = pieces.Select(_ => new List<string>()).ToArray();
        await using (var cmd = w.Command(PublicWarningSql.Geocodes))
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = pieces.ToArray() });
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                geocodes[reader.GetInt64(0) - 1].Add(reader.GetString(1));
            }
        }

        var parts = pieces.Select((piece, i) => Part(piece, geocodes[i], options)).ToList();
        return new WarningArea(source, zone, version, territory, shape, parts, names);
    }

    private static WarningAreaPart Part(Geometry piece, IReadOnlyList<string> geocodes, PublicWarningOptions options) =>
        new(piece, CapArea.Polygons(piece, options.MaxPolygonPoints, options.MaxPolygons), geocodes);

    private static async Task<IReadOnlyDictionary<WarningLanguage, string>> TerritoryNamesAsync(UnitOfWork w, string? kato, CancellationToken ct)
    {
        if (kato is null)
        {
            return new Dictionary<WarningLanguage, string>();
        }

        await using var cmd = w.Command(PublicWarningSql.TerritoryNames);
        cmd.Parameters.Add(new NpgsqlParameter { Value = kato });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? Names(reader.GetString(0), reader.GetString(1), reader.GetString(2)) : new Dictionary<WarningLanguage, string>();
    }

    private static Dictionary<WarningLanguage, string> Names(string kk, string ru, string en) =>
        new() { [WarningLanguage.Kk] = kk, [WarningLanguage.Ru] = ru, [WarningLanguage.En] = en };

    private static Dictionary<WarningLanguage, string> Same(string name) => Names(name, name, name);

    public static async Task<Guid> IssueAsync(UnitOfWork w, WarningContent content, WarningArea area, PublicWarningOptions options, DateTime now, CancellationToken ct)
    {
        Guid id;
        await using (var insert = w.Command(PublicWarningSql.InsertWarning))
        {
            insert.Parameters.Add(new NpgsqlParameter { Value = DbEnum.Text(area.Source) });
            insert.Parameters.Add(Db.NullableId(area.ZoneId));
            insert.Parameters.Add(Db.Nullable(area.TerritoryKato));
            insert.Parameters.Add(new NpgsqlParameter { Value = w.Actor });
            id = (Guid)(await insert.ExecuteScalarAsync(ct))!;
        }

        var identifiers = await AppendAsync(w, id, CapMsgType.Alert, WarningMessageStatus.Actual, content, area, null, options, now, ct);
        w.Add(Event("PUBLIC_WARNING_ISSUED", id, identifiers, CapMsgType.Alert, content, area));
        return id;
    }

    /// <summary>
    /// An Alert drafted for the officer to approve (status Draft: not served, not in the feed) over a zone's current
    /// version, for an incident that has none drafted yet; null when one was (the claim is the unique incident column,
    /// so concurrent forecasts of one incident draft once). Called under the zone's lock.
    /// </summary>
    public static async Task<Guid?> DraftAlertForIncidentAsync(UnitOfWork w, Guid incident, Guid zone, WarningContent content, PublicWarningOptions options,
        DateTime now, CancellationToken ct)
    {
        var area = await ResolveAreaAsync(w, new AreaRequest(zone, null, null), options, ct);
        Guid id;
        await using (var insert = w.Command(PublicWarningSql.InsertForecastDraft))
        {
            insert.Parameters.Add(new NpgsqlParameter { Value = zone });
            insert.Parameters.Add(Db.Nullable(area.TerritoryKato));
            insert.Parameters.Add(new NpgsqlParameter { Value = w.Actor });
            insert.Parameters.Add(new NpgsqlParameter { Value = incident });
            if (await insert.ExecuteScalarAsync(ct) is not Guid inserted)
            {
                return null;
            }

            id = inserted;
        }

        var identifiers = await AppendAsync(w, id, CapMsgType.Alert, WarningMessageStatus.Draft, content, area, null, options, now, ct);
        w.Add(Event("PUBLIC_WARNING_DRAFTED", id, identifiers, CapMsgType.Alert, content, area, new { incidentId = incident, zoneVersion = area.ZoneVersion }));
        return id;
    }

    /// <summary>Locks the warning (warnings after zones in the lock order) and returns its state; NOT_FOUND when there is none.</summary>
    public static async Task<PublicWarningState> LockAsync(UnitOfWork w, Guid id, CancellationToken ct)
    {
        if ((await w.LockAsync(LockedTable.PublicWarnings, [id], ct)).Count == 0)
        {
            throw new NotFoundException("no such public warning", "warning");
        }

        await using var cmd = w.Command(PublicWarningSql.State);
        cmd.Parameters.Add(new NpgsqlParameter { Value = id });
        return DbEnum.Parse<PublicWarningState>((string)(await cmd.ExecuteScalarAsync(ct))!);
    }

    public static async Task<IReadOnlyList<string>> UpdateAsync(UnitOfWork w, Guid id, WarningContent content, WarningArea area, PublicWarningOptions options,
        DateTime now, CancellationToken ct)
    {
        if (await HeadAsync(w, id, WarningMessageStatus.Actual, ct) is null)
        {
            // An Update must name the Alert it updates, and none has been sent.
            throw new ConflictException("the warning has not been sent yet: confirm its draft (confirmPublicWarningDraft) or cancel it", "warning");
        }

        await DiscardDraftsAsync(w, id, ct);
        await SetAreaAsync(w, id, area, ct);
        var identifiers = await AppendAsync(w, id, CapMsgType.Update, WarningMessageStatus.Actual, content, area, null, options, now, ct);
        w.Add(Event("PUBLIC_WARNING_UPDATED", id, identifiers, CapMsgType.Update, content, area));
        return identifiers;
    }

    /// <summary>The last word of the chain: a Cancel (per part) with the current content and area, naming every earlier message.</summary>
    public static async Task<IReadOnlyList<string>> CancelAsync(UnitOfWork w, Guid id, string? note, PublicWarningOptions options, DateTime now,
        CancellationToken ct)
    {
        if (await HeadAsync(w, id, WarningMessageStatus.Actual, ct) is not { } sent)
        {
            return await DropUnsentAsync(w, id, note, ct);
        }

        await DiscardDraftsAsync(w, id, ct);
        var (head, area) = (sent.Messages[0], sent.Area);
        var identifiers = await AppendAsync(w, id, CapMsgType.Cancel, WarningMessageStatus.Actual, head.Content, area, note, options, now, ct);
        await using (var cancel = w.Command(PublicWarningSql.Cancel))
        {
            cancel.Parameters.Add(new NpgsqlParameter { Value = id });
            await cancel.ExecuteNonQueryAsync(ct);
        }

        w.Add(Event("PUBLIC_WARNING_CANCELLED", id, identifiers, CapMsgType.Cancel, head.Content, area, new { note }));
        return identifiers;
    }

    /// <summary>
    /// A warning nobody sent ends without a CAP message (there is nothing for an aggregator to retire): its draft is
    /// discarded and the warning cancelled. Returns the discarded draft's identifiers.
    /// </summary>
    private static async Task<IReadOnlyList<string>> DropUnsentAsync(UnitOfWork w, Guid id, string? note, CancellationToken ct)
    {
        var (drafts, area) = await HeadAsync(w, id, WarningMessageStatus.Draft, ct)
            ?? throw new ConflictException("the warning has neither a sent message nor a draft", "warning");
        var draft = drafts[0];
        var identifiers = drafts.Select(d => d.Identifier).ToList();
        await DiscardDraftsAsync(w, id, ct);
        await using (var cancel = w.Command(PublicWarningSql.Cancel))
        {
            cancel.Parameters.Add(new NpgsqlParameter { Value = id });
            await cancel.ExecuteNonQueryAsync(ct);
        }

        w.Add(Event("PUBLIC_WARNING_CANCELLED", id, identifiers, draft.MsgType, draft.Content, area, new { note, neverSent = true }));
        return identifiers;
    }

    /// <summary>
    /// The pending draft goes out as it is (every part of it), sent now and naming every public message before it; a
    /// drafted Cancel ends the warning.
    /// </summary>
    public static async Task<IReadOnlyList<string>> ConfirmDraftAsync(UnitOfWork w, Guid id, PublicWarningOptions options, DateTime now, CancellationToken ct)
    {
        var (drafts, area) = await HeadAsync(w, id, WarningMessageStatus.Draft, ct)
            ?? throw new ConflictException("the warning has no draft to confirm", "warning");
        var draft = drafts[0];
        // A public message must not leave already expired; ending a warning (a drafted Cancel) is always allowed.
        if (draft.MsgType != CapMsgType.Cancel && draft.Content.Expires <= now)
        {
            throw new ConflictException(string.Create(CultureInfo.InvariantCulture,
                $"the draft expired at {draft.Content.Expires:yyyy-MM-dd HH:mm:ss}Z: update the warning with a new expiry instead"), "warning");
        }

        // Read once, before any part is confirmed: the parts of one step never name each other.
        var references = await ReferencesAsync(w, id, options, ct);
        foreach (var part in drafts)
        {
            var xml = Render(new CapMessage(part.Identifier, part.Sender, now, WarningMessageStatus.Actual, part.MsgType, references, part.Note, part.Content,
                part.Polygons, part.Geocodes), options);
            await using var confirm = w.Command(PublicWarningSql.Confirm);
            confirm.Parameters.Add(new NpgsqlParameter { Value = part.Identifier });
            confirm.Parameters.Add(new NpgsqlParameter { Value = now });
            confirm.Parameters.Add(new NpgsqlParameter { Value = references.ToArray() });
            confirm.Parameters.Add(new NpgsqlParameter { Value = xml });
            confirm.Parameters.Add(new NpgsqlParameter { Value = w.Actor });
            // The warning is locked and its draft step was just read: anything but one row is a bug, not a race.
            if (await confirm.ExecuteNonQueryAsync(ct) != 1)
            {
                throw new InvalidOperationException($"draft {part.Identifier} of warning {id} was not confirmed exactly once");
            }
        }

        await using (var follow = w.Command(PublicWarningSql.FollowZoneTerritory))
        {
            follow.Parameters.Add(new NpgsqlParameter { Value = id });
            area = area with { TerritoryKato = await follow.ExecuteScalarAsync(ct) as string ?? area.TerritoryKato };
        }

        if (draft.MsgType == CapMsgType.Cancel)
        {
            await using var cancel = w.Command(PublicWarningSql.Cancel);
            cancel.Parameters.Add(new NpgsqlParameter { Value = id });
            await cancel.ExecuteNonQueryAsync(ct);
        }

        var kind = draft.MsgType switch
        {
            CapMsgType.Alert => "PUBLIC_WARNING_ISSUED",
            CapMsgType.Cancel => "PUBLIC_WARNING_CANCELLED",
            _ => "PUBLIC_WARNING_UPDATED",
        };
        var identifiers = drafts.Select(d => d.Identifier).ToList();
        w.Add(Event(kind, id, identifiers, draft.MsgType, draft.Content, area, new { confirmedDraft = true }));
        return identifiers;
    }

    /// <summary>
    /// A zone was redrawn (its new version is <paramref name="version"/>): every current warning that follows it gets an
    /// Update drafted with the new area, replacing any older draft. Nothing goes public until an officer confirms it.
    /// Called in the redraw's unit of work, which holds the zone's lock, so warnings are locked after the zone.
    /// </summary>
    public static async Task DraftForZoneAsync(UnitOfWork w, Guid zone, int version, string zoneName, string? territory, Geometry shape,
        PublicWarningOptions options, DateTime now, CancellationToken ct) =>
        await DraftAsync(w, zone, version, CapMsgType.Update, async () => await AreaAsync(w, WarningAreaSource.Zone, zone, version, territory, shape, Same(zoneName), options, ct),
            options, now, ct);

    /// <summary>
    /// The zone a warning follows was closed: a Cancel is drafted (same words and area) for the officer to confirm; the
    /// warning stays as it is until then. Called in the close's unit of work, under the zone's lock.
    /// </summary>
    public static async Task DraftCancelForZoneAsync(UnitOfWork w, Guid zone, int version, PublicWarningOptions options, DateTime now, CancellationToken ct) =>
        await DraftAsync(w, zone, version, CapMsgType.Cancel, null, options, now, ct);

    private static async Task DraftAsync(UnitOfWork w, Guid zone, int version, CapMsgType type, Func<Task<WarningArea>>? newArea,
        PublicWarningOptions options, DateTime now, CancellationToken ct)
    {
        var ids = new List<Guid>();
        await using (var cmd = w.Command(PublicWarningSql.FollowingZone))
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = zone });
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                ids.Add(reader.GetGuid(0));
            }
        }

        if (ids.Count == 0)
        {
            return;
        }

        await w.LockAsync(LockedTable.PublicWarnings, ids, ct);
        foreach (var id in ids)
        {
            var found = await HeadAsync(w, id, WarningMessageStatus.Actual, ct);
            if (found is null && await HeadAsync(w, id, WarningMessageStatus.Draft, ct) is { } unsent)
            {
                await RedraftUnsentAsync(w, id, unsent.Messages[0], type, newArea, version, options, now, ct);
                continue;
            }

            if (found is not { } current || current.Messages[0].Content.Expires <= now)
            {
                continue;
            }

            var head = current.Messages[0];

            await DiscardDraftsAsync(w, id, ct);
            var area = newArea is null ? current.Area : await newArea();
            // Same words, new area: the texts (and their area names, the zone's name unless the officer wrote one) stay as sent.
            var content = head.Content;
            var note = type == CapMsgType.Cancel ? "the emergency zone was closed" : null;
            var identifiers = await AppendAsync(w, id, type, WarningMessageStatus.Draft, content, area, note, options, now, ct);
            w.Add(Event("PUBLIC_WARNING_DRAFTED", id, identifiers, type, content, area, new { zoneVersion = version }));
        }
    }

    /// <summary>
    /// A warning still only drafted (from a forecast) follows its zone as a draft: a redraw replaces the drafted Alert
    /// with one over the new area, a closing drops it, since nothing was sent that would need cancelling.
    /// </summary>
    private static async Task RedraftUnsentAsync(UnitOfWork w, Guid id, WarningMessage draft, CapMsgType type, Func<Task<WarningArea>>? newArea, int version,
        PublicWarningOptions options, DateTime now, CancellationToken ct)
    {
        if (type == CapMsgType.Cancel || newArea is null)
        {
            await DropUnsentAsync(w, id, "the emergency zone was closed before the draft was sent", ct);
            return;
        }

        await DiscardDraftsAsync(w, id, ct);
        var area = await newArea();
        await SetAreaAsync(w, id, area, ct);
        // Not sent yet, so it keeps its span of validity from now rather than from when it was first drafted.
        var content = draft.Content with { Effective = now, Expires = now + (draft.Content.Expires - draft.Content.Effective) };
        var identifiers = await AppendAsync(w, id, draft.MsgType, WarningMessageStatus.Draft, content, area, null, options, now, ct);
        w.Add(Event("PUBLIC_WARNING_DRAFTED", id, identifiers, draft.MsgType, content, area, new { zoneVersion = version }));
    }

    private static async Task DiscardDraftsAsync(UnitOfWork w, Guid id, CancellationToken ct)
    {
        await using var cmd = w.Command(PublicWarningSql.DiscardDrafts);
        cmd.Parameters.Add(new NpgsqlParameter { Value = id });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static async Task SetAreaAsync(UnitOfWork w, Guid id, WarningArea area, CancellationToken ct)
    {
        await using var cmd = w.Command(PublicWarningSql.SetArea);
        cmd.Parameters.Add(new NpgsqlParameter { Value = id });
        cmd.Parameters.Add(new NpgsqlParameter { Value = DbEnum.Text(area.Source) });
        cmd.Parameters.Add(Db.NullableId(area.ZoneId));
        cmd.Parameters.Add(Db.Nullable(area.TerritoryKato));
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Every public message of the chain so far, oldest first, as CAP references: naming all of them (not only the last)
    /// lets an aggregator that missed one still retire it.
    /// </summary>
    private static async Task<List<string>> ReferencesAsync(UnitOfWork w, Guid id, PublicWarningOptions options, CancellationToken ct)
    {
        await using var cmd = w.Command(PublicWarningSql.PublicMessages);
        cmd.Parameters.Add(new NpgsqlParameter { Value = id });
        var references = new List<string>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            references.Add($"{reader.GetString(0)},{reader.GetString(1)},{CapText.Time(reader.GetDateTime(2), options.Offset)}");
        }

        return references;
    }

    /// <summary>
    /// One step of the chain: a CAP message per part of the area, under one seq, each naming every public message of the
    /// steps before it (read once, so the parts never name each other). Returns the identifiers, part by part.
    /// </summary>
    private static async Task<IReadOnlyList<string>> AppendAsync(UnitOfWork w, Guid id, CapMsgType type, WarningMessageStatus status, WarningContent content,
        WarningArea area, string? note, PublicWarningOptions options, DateTime now, CancellationToken ct)
    {
        int seq;
        await using (var next = w.Command(PublicWarningSql.NextSeq))
        {
            next.Parameters.Add(new NpgsqlParameter { Value = id });
            seq = (int)(await next.ExecuteScalarAsync(ct))!;
        }

        var references = await ReferencesAsync(w, id, options, ct);
        var texts = content.Texts.Select(t => t with { AreaDesc = t.AreaDesc ?? DefaultAreaDesc(area, t.Language, content.Event) }).ToList();
        var filled = content with { Texts = texts };
        var textsJson = JsonSerializer.Serialize(texts.Select(t => new StoredText(DbEnum.Text(t.Language), t.Headline, t.Description, t.Instruction, t.AreaDesc)),
            TextJson);
        var identifiers = new List<string>();
        for (var part = 0; part < area.Parts.Count; part++)
        {
            var piece = area.Parts[part];
            var identifier = $"{options.Sender}.{Guid.NewGuid():N}";
            var xml = Render(new CapMessage(identifier, options.Sender, now, status, type, references, note, filled, piece.Polygons, piece.Geocodes), options);
            await using var insert = w.Command(PublicWarningSql.InsertMessage);
            insert.Parameters.Add(new NpgsqlParameter { Value = identifier });
            insert.Parameters.Add(new NpgsqlParameter { Value = id });
            insert.Parameters.Add(new NpgsqlParameter { Value = seq });
            insert.Parameters.Add(new NpgsqlParameter { Value = options.Sender });
            insert.Parameters.Add(new NpgsqlParameter { Value = now });
            insert.Parameters.Add(new NpgsqlParameter { Value = DbEnum.Text(type) });
            insert.Parameters.Add(new NpgsqlParameter { Value = DbEnum.Text(status) });
            insert.Parameters.Add(new NpgsqlParameter { Value = references.ToArray() });
            insert.Parameters.Add(Db.Nullable(note));
            insert.Parameters.Add(new NpgsqlParameter { Value = filled.Event });
            insert.Parameters.Add(new NpgsqlParameter { Value = DbEnum.Text(filled.Category) });
            insert.Parameters.Add(new NpgsqlParameter { Value = DbEnum.Text(filled.Urgency) });
            insert.Parameters.Add(new NpgsqlParameter { Value = DbEnum.Text(filled.Severity) });
            insert.Parameters.Add(new NpgsqlParameter { Value = DbEnum.Text(filled.Certainty) });
            insert.Parameters.Add(Db.Nullable(filled.ResponseType is { } r ? DbEnum.Text(r) : null));
            insert.Parameters.Add(new NpgsqlParameter { Value = filled.Effective });
            insert.Parameters.Add(new NpgsqlParameter { Value = filled.Expires });
            insert.Parameters.Add(new NpgsqlParameter { Value = textsJson });
            insert.Parameters.Add(new NpgsqlParameter { Value = piece.Shape });
            insert.Parameters.Add(new NpgsqlParameter { Value = piece.Polygons.ToArray() });
            insert.Parameters.Add(new NpgsqlParameter { Value = piece.Geocodes.ToArray() });
            insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer, Value = (object?)area.ZoneVersion ?? DBNull.Value });
            insert.Parameters.Add(new NpgsqlParameter { Value = xml });
            insert.Parameters.Add(new NpgsqlParameter { Value = w.Actor });
            insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Smallint, Value = (short)part });
            insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Smallint, Value = (short)area.Parts.Count });
            await insert.ExecuteNonQueryAsync(ct);
            identifiers.Add(identifier);
        }

        return identifiers;
    }

    // Aggregators cut areaDesc at 50 characters.
    private static string DefaultAreaDesc(WarningArea area, WarningLanguage language, string fallback)
    {
        var name = area.Names.GetValueOrDefault(language) ?? fallback;
        return name.Length < 50 ? name : name[..49];
    }

    /// <summary>Writes the alert and checks it against the shipped XSD: a message that fails is a bug here, never sent.</summary>
    private static string Render(CapMessage message, PublicWarningOptions options)
    {
        var document = CapWriter.Alert(message, options);
        var errors = CapSchema.Errors(document);
        return errors.Count == 0
            ? CapWriter.Text(document)
            : throw new InvalidOperationException($"CAP message {message.Identifier} does not conform to CAP 1.2: {errors[0]}");
    }

    /// <summary>The step's event: <c>identifier</c> is its first part's (most areas have one), <c>identifiers</c> every part's.</summary>
    private static NewEvent Event(string kind, Guid id, IReadOnlyList<string> identifiers, CapMsgType type, WarningContent content, WarningArea area,
        object? extra = null) =>
        new(kind, "PublicWarning", id.ToString(),
            new
            {
                identifier = identifiers[0], identifiers, msgType = DbEnum.Text(type), @event = content.Event, severity = DbEnum.Text(content.Severity), urgency = DbEnum.Text(content.Urgency),
                zoneId = area.ZoneId, zoneVersion = area.ZoneVersion, geocodes = area.Geocodes, extra,
            },
            area.Shape, area.TerritoryKato);

    /// <summary>The latest step with this status: its messages, part by part, and the area they carry (the parts' shapes as stored).</summary>
    private static async Task<(IReadOnlyList<WarningMessage> Messages, WarningArea Area)?> HeadAsync(UnitOfWork w, Guid id, WarningMessageStatus status,
        CancellationToken ct)
    {
        await using var cmd = w.Command(PublicWarningSql.Head);
        cmd.Parameters.Add(new NpgsqlParameter { Value = id });
        cmd.Parameters.Add(new NpgsqlParameter { Value = DbEnum.Text(status) });
        var messages = new List<WarningMessage>();
        var parts = new List<WarningAreaPart>();
        (WarningAreaSource Source, Guid? Zone, string? Territory) warning = default;
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                var message = MapMessage(reader);
                messages.Add(message);
                parts.Add(new WarningAreaPart(reader.GetFieldValue<Geometry>(26), message.Polygons, message.Geocodes));
                warning = (DbEnum.Parse<WarningAreaSource>(reader.GetString(27)), reader.IsDBNull(28) ? null : reader.GetGuid(28), Db.TextOrNull(reader, 29));
            }
        }

        if (messages.Count == 0)
        {
            return null;
        }

        var shape = parts.Count == 1 ? parts[0].Shape : parts[0].Shape.Factory.BuildGeometry(parts.SelectMany(p => Polygons(p.Shape)));
        var area = new WarningArea(warning.Source, warning.Zone, messages[0].ZoneVersion, warning.Territory, shape, parts, new Dictionary<WarningLanguage, string>());
        return (messages, area);
    }

    private static IEnumerable<Geometry> Polygons(Geometry shape) => Enumerable.Range(0, shape.NumGeometries).Select(shape.GetGeometryN);

    private static async Task<List<PublicWarning>> ReadAsync(NpgsqlDataSource db, string sql, NpgsqlParameter[] parameters, CancellationToken ct)
    {
        var rows = new List<(Guid Id, PublicWarningState State, WarningAreaSource Source, Guid? Zone, string? Territory, string By, DateTime At, DateTime Updated)>();
        await using (var cmd = db.CreateCommand(sql))
        {
            cmd.Parameters.AddRange(parameters);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                rows.Add((reader.GetGuid(0), DbEnum.Parse<PublicWarningState>(reader.GetString(1)), DbEnum.Parse<WarningAreaSource>(reader.GetString(2)),
                    reader.IsDBNull(3) ? null : reader.GetGuid(3), Db.TextOrNull(reader, 4), reader.GetString(5), reader.GetDateTime(6), reader.GetDateTime(7)));
            }
        }

        var messages = new Dictionary<Guid, List<WarningMessage>>();
        if (rows.Count > 0)
        {
            await using var cmd = db.CreateCommand(PublicWarningSql.MessagesOf);
            cmd.Parameters.Add(new NpgsqlParameter { Value = rows.Select(r => r.Id).ToArray() });
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var m = MapMessage(reader);
                (messages.TryGetValue(m.WarningId, out var list) ? list : messages[m.WarningId] = []).Add(m);
            }
        }

        return rows.Select(r => new PublicWarning(r.Id, r.State, r.Source, r.Zone, r.Territory, r.By, r.At, r.Updated, messages.GetValueOrDefault(r.Id) ?? []))
            .ToList();
    }

    private static WarningMessage MapMessage(NpgsqlDataReader r)
    {
        var texts = JsonSerializer.Deserialize<List<StoredText>>(r.GetString(17), TextJson)!
            .Select(t => new WarningText(DbEnum.Parse<WarningLanguage>(t.Language), t.Headline, t.Description, t.Instruction, t.AreaDesc)).ToList();
        var content = new WarningContent(r.GetString(9), DbEnum.Parse<CapCategory>(r.GetString(10)), DbEnum.Parse<CapUrgency>(r.GetString(11)),
            DbEnum.Parse<CapSeverity>(r.GetString(12)), DbEnum.Parse<CapCertainty>(r.GetString(13)),
            r.IsDBNull(14) ? null : DbEnum.Parse<CapResponseType>(r.GetString(14)), r.GetDateTime(15), r.GetDateTime(16), texts);
        return new WarningMessage(r.GetString(0), r.GetGuid(1), r.GetInt32(2), r.GetInt16(24), r.GetInt16(25), r.GetString(3), r.GetDateTime(4),
            DbEnum.Parse<CapMsgType>(r.GetString(5)),
            DbEnum.Parse<WarningMessageStatus>(r.GetString(6)), r.GetFieldValue<string[]>(7), Db.TextOrNull(r, 8), content, r.GetFieldValue<string[]>(18),
            r.GetFieldValue<string[]>(19), r.IsDBNull(20) ? null : r.GetInt32(20), r.GetString(21), r.GetString(22), Db.TextOrNull(r, 23));
    }
}
