using Dispatch.Gis.Auth;
using Dispatch.Gis.Geo;
using Dispatch.Gis.GraphQL;
using Dispatch.Gis.Storage;
using GraphQL;
using GraphQL.Types;
using Microsoft.Extensions.Options;
using NetTopologySuite.Geometries;
using Npgsql;

namespace Dispatch.Gis.PublicWarnings;

/// <summary>112 warns the population (Rules §6.4): every message is an officer's act; nothing public leaves without one.</summary>
internal sealed class PublicWarningMutations(NpgsqlDataSource db, SpatialArguments spatial, IOptions<PublicWarningOptions> options, TimeProvider clock)
{
    public const int MaxEventLength = 100;
    public const int MaxHeadlineLength = 160;
    public const int MaxAreaDescLength = 49;

    public void AddTo(ObjectGraphType root)
    {
        root.Field<NonNullGraphType<PublicWarningGraphType>>("issuePublicWarning")
            .Description("Issues a public warning: a CAP 1.2 Alert, served at /cap/{identifier}.xml and listed in /cap/feed.atom.")
            .Argument<NonNullGraphType<PublicWarningInputGraphType>>("input")
            .AllowRoles(Role.DutyOfficer112)
            .ResolveAsync(IssuePublicWarningAsync);

        root.Field<NonNullGraphType<PublicWarningGraphType>>("updatePublicWarning")
            .Description("Sends a CAP Update replacing the warning's content and area; any pending draft is discarded. CONFLICT once cancelled.")
            .Argument<NonNullGraphType<IdGraphType>>("warning")
            .Argument<NonNullGraphType<PublicWarningInputGraphType>>("input")
            .AllowRoles(Role.DutyOfficer112)
            .ResolveAsync(UpdatePublicWarningAsync);

        root.Field<NonNullGraphType<PublicWarningGraphType>>("cancelPublicWarning")
            .Description("Ends the warning with a CAP Cancel naming every earlier message.")
            .Argument<NonNullGraphType<IdGraphType>>("warning")
            .Argument<StringGraphType>("note", "Why it is cancelled (CAP note).")
            .AllowRoles(Role.DutyOfficer112)
            .ResolveAsync(CancelPublicWarningAsync);

        root.Field<NonNullGraphType<PublicWarningGraphType>>("confirmPublicWarningDraft")
            .Description("Sends the update (or cancel) drafted when the warning's zone was redrawn (or closed), as it stands. CONFLICT when there is none.")
            .Argument<NonNullGraphType<IdGraphType>>("warning")
            .AllowRoles(Role.DutyOfficer112)
            .ResolveAsync(ConfirmPublicWarningDraftAsync);
    }

    private async Task<object?> IssuePublicWarningAsync(IResolveFieldContext ctx)
    {
        var input = ctx.GetArgument<PublicWarningInput>("input");
        var now = Now();
        var content = Content(input, now);
        var request = await AreaRequestAsync(input.Area, ctx.CancellationToken);
        var id = await UnitOfWork.RunAsync(db, ctx.WriteOrigin(), async w =>
        {
            var area = await PublicWarningDb.ResolveAreaAsync(w, request, options.Value, ctx.CancellationToken);
            ctx.AuditTerritory(area.TerritoryKato);
            ctx.Caller().RequireTerritory(area.TerritoryKato, "input.area");
            return await PublicWarningDb.IssueAsync(w, content, area, options.Value, now, ctx.CancellationToken);
        }, ctx.CancellationToken);
        return await LoadAsync(id, ctx.CancellationToken);
    }

    private async Task<object?> UpdatePublicWarningAsync(IResolveFieldContext ctx)
    {
        var warning = await RequireWarningAsync(ctx);
        var input = ctx.GetArgument<PublicWarningInput>("input");
        var now = Now();
        var content = Content(input, now);
        var request = await AreaRequestAsync(input.Area, ctx.CancellationToken);
        await UnitOfWork.RunAsync(db, ctx.WriteOrigin(), async w =>
        {
            // The zone (if any) is locked before the warning: the lock order every redraw follows too.
            var area = await PublicWarningDb.ResolveAreaAsync(w, request, options.Value, ctx.CancellationToken);
            ctx.Caller().RequireTerritory(area.TerritoryKato, "input.area");
            await RequireActiveAsync(w, warning.Id, ctx.CancellationToken);
            await PublicWarningDb.UpdateAsync(w, warning.Id, content, area, options.Value, now, ctx.CancellationToken);
        }, ctx.CancellationToken);
        return await LoadAsync(warning.Id, ctx.CancellationToken);
    }

    private async Task<object?> CancelPublicWarningAsync(IResolveFieldContext ctx)
    {
        var warning = await RequireWarningAsync(ctx);
        var note = TextInput.Optional(ctx.GetArgument<string?>("note"), "note", TextLimits.Note, multiline: true);
        var now = Now();
        await UnitOfWork.RunAsync(db, ctx.WriteOrigin(), async w =>
        {
            await RequireActiveAsync(w, warning.Id, ctx.CancellationToken);
            await PublicWarningDb.CancelAsync(w, warning.Id, note, options.Value, now, ctx.CancellationToken);
        }, ctx.CancellationToken);
        return await LoadAsync(warning.Id, ctx.CancellationToken);
    }

    private async Task<object?> ConfirmPublicWarningDraftAsync(IResolveFieldContext ctx)
    {
        var warning = await RequireWarningAsync(ctx);
        var now = Now();
        await UnitOfWork.RunAsync(db, ctx.WriteOrigin(), async w =>
        {
            await RequireActiveAsync(w, warning.Id, ctx.CancellationToken);
            await PublicWarningDb.ConfirmDraftAsync(w, warning.Id, options.Value, now, ctx.CancellationToken);
        }, ctx.CancellationToken);
        return await LoadAsync(warning.Id, ctx.CancellationToken);
    }

    private static async Task RequireActiveAsync(UnitOfWork w, Guid id, CancellationToken ct)
    {
        if (await PublicWarningDb.LockAsync(w, id, ct) == PublicWarningState.Cancelled)
        {
            throw new ConflictException("the warning is cancelled: issue a new one", "warning");
        }
    }

    private async Task<PublicWarning> RequireWarningAsync(IResolveFieldContext ctx)
    {
        var warning = await LoadAsync(ctx.GetId("warning"), ctx.CancellationToken) ?? throw new NotFoundException("no such public warning", "warning");
        ctx.AuditTerritory(warning.TerritoryKato);
        ctx.Caller().RequireTerritory(warning.TerritoryKato, "warning");
        return warning;
    }

    private async Task<PublicWarning?> LoadAsync(Guid id, CancellationToken ct) =>
        (await PublicWarningDb.ByIdAsync(db, [id], ct)).GetValueOrDefault(id);

    // CAP times have whole seconds; the stored ones are the ones written.
    private DateTime Now() => CapText.Seconds(clock.GetUtcNow().UtcDateTime);

    private static WarningContent Content(PublicWarningInput input, DateTime now)
    {
        var texts = new List<WarningText>();
        foreach (var (language, text) in new[] { (WarningLanguage.Kk, input.Kk), (WarningLanguage.Ru, input.Ru), (WarningLanguage.En, input.En) })
        {
            if (text is null)
            {
                continue;
            }

            var at = $"input.{DbEnum.Text(language).ToLowerInvariant()}";
            texts.Add(new WarningText(language, TextInput.Required(text.Headline, $"{at}.headline", MaxHeadlineLength),
                TextInput.Optional(text.Description, $"{at}.description", TextLimits.LongText, multiline: true),
                TextInput.Optional(text.Instruction, $"{at}.instruction", TextLimits.LongText, multiline: true),
                TextInput.Optional(text.AreaDesc, $"{at}.areaDesc", MaxAreaDescLength)));
        }

        if (texts.Count == 0)
        {
            throw new BadUserInputException("a warning needs its text in at least one language: kk, ru or en", "input");
        }

        var effective = CapText.Seconds(input.Effective ?? now);
        var expires = CapText.Seconds(input.Expires);
        if (expires <= effective)
        {
            throw new BadUserInputException("expires must be after effective", "input.expires");
        }

        if (expires <= now)
        {
            throw new BadUserInputException("expires must be in the future", "input.expires");
        }

        return new WarningContent(TextInput.Required(input.Event, "input.event", MaxEventLength), input.Category, input.Urgency, input.Severity, input.Certainty,
            input.ResponseType, effective, expires, texts);
    }

    private async Task<AreaRequest> AreaRequestAsync(PublicWarningAreaInput area, CancellationToken ct)
    {
        var given = (area.Zone is null ? 0 : 1) + (area.Territory is null ? 0 : 1) + (area.Polygon is null ? 0 : 1);
        if (given != 1)
        {
            throw new BadUserInputException("give exactly one of area.zone, area.territory and area.polygon", "input.area");
        }

        if (area.Zone is { } zone)
        {
            return new AreaRequest(Ids.Parse(zone, "input.area.zone"), null, null);
        }

        if (area.Territory is { } kato)
        {
            return kato.Length == 9 && kato.All(char.IsAsciiDigit)
                ? new AreaRequest(null, kato, null)
                : throw new BadUserInputException("a territory is a nine-digit KATO code", "input.area.territory");
        }

        var shape = await spatial.GeometryAsync(area.Polygon!, area.Crs ?? GeoJson.Wgs84, "input.area.polygon", ct);
        return shape is Polygon or MultiPolygon
            ? new AreaRequest(null, null, shape)
            : throw new InvalidGeometryException($"a warning's area is a Polygon or MultiPolygon, not a {shape.GeometryType}", "input.area.polygon");
    }
}
