using Dispatch.Gis.Auth;
using Dispatch.Gis.GraphQL;
using Dispatch.Gis.Storage;
using Dispatch.Gis.Territories;
using GraphQL;
using GraphQL.Types;
using Npgsql;

namespace Dispatch.Gis.Services;

/// <summary>The registry of duty-dispatch services (Rules §3) and the shift-start check of their channels (§5.1).</summary>
internal sealed class ServiceMutations(NpgsqlDataSource db, ServiceLoaders loaders, TerritoryLoaders territories)
{
    public const int MaxCodeLength = TextLimits.Code;
    public const int MaxNameLength = TextLimits.ShortText;
    public const int MaxListItems = 50;
    public const int MaxShortTextLength = TextLimits.ShortText;
    public const int MaxNoteLength = TextLimits.Note;

    public void AddTo(ObjectGraphType root)
    {
        root.Field<NonNullGraphType<DutyServiceGraphType>>("upsertDutyService")
            .Description("Registers a duty-dispatch service or updates the one with this code, with its channels.")
            .Argument<NonNullGraphType<DutyServiceInputGraphType>>("input")
            .AllowRoles(Role.Admin, Role.DutyOfficer112)
            .ResolveAsync(UpsertDutyServiceAsync);

        root.Field<NonNullGraphType<ShiftGraphType>>("startShift")
            .Description("Opens a shift: one pending check per channel of every partner in the territory and its districts.")
            .Argument<NonNullGraphType<StringGraphType>>("territory")
            .AllowRoles(Role.DutyOfficer112)
            .ResolveAsync(StartShiftAsync);

        root.Field<NonNullGraphType<CommsCheckGraphType>>("recordCommsCheck")
            .Description("Records the result of checking one partner channel in a shift, and the duty officer confirmed on it.")
            .Argument<NonNullGraphType<IdGraphType>>("shift")
            .Argument<NonNullGraphType<IdGraphType>>("channel")
            .Argument<NonNullGraphType<CheckResultGraphType>>("result")
            .Argument<StringGraphType>("note")
            .Argument<StringGraphType>("dutyOfficer", "The partner's duty officer as confirmed.")
            .AllowRoles(Role.DutyOfficer112)
            .ResolveAsync(RecordCommsCheckAsync);
    }

    private async Task<object?> UpsertDutyServiceAsync(IResolveFieldContext ctx)
    {
        var input = Read(ctx.GetArgument<DutyServiceInput>("input"));
        ctx.AuditTerritory(input.Territory);
        ctx.Caller().RequireTerritory(input.Territory, "input.territory");
        await territories.RequireAsync(ctx, input.Territory, "input.territory");
        var id = await UnitOfWork.RunAsync(db, ctx.WriteOrigin(), w => ServiceDb.UpsertAsync(w, input, ctx.CancellationToken), ctx.CancellationToken);
        return await loaders.ServiceById(ctx, id).GetResultAsync(ctx.CancellationToken);
    }

    private async Task<object?> StartShiftAsync(IResolveFieldContext ctx)
    {
        var territory = ctx.GetArgument<string>("territory");
        ctx.AuditTerritory(territory);
        ctx.Caller().RequireTerritory(territory, "territory");
        await territories.RequireAsync(ctx, territory, "territory");
        return await UnitOfWork.RunAsync(db, ctx.WriteOrigin(), w => ServiceDb.StartShiftAsync(w, territory, ctx.CancellationToken), ctx.CancellationToken);
    }

    private async Task<object?> RecordCommsCheckAsync(IResolveFieldContext ctx)
    {
        var shift = await loaders.ShiftById(ctx, ctx.GetId("shift")).GetResultAsync(ctx.CancellationToken)
            ?? throw new NotFoundException("no such shift", "shift");
        ctx.AuditTerritory(shift.TerritoryKato);
        ctx.Caller().RequireTerritory(shift.TerritoryKato, "shift");
        var channel = ctx.GetId("channel");
        var result = ctx.GetArgument<CheckResult>("result");
        if (result == CheckResult.Pending)
        {
            throw new BadUserInputException("a check is recorded as OK, FAILED or NOT_ANSWERED", "result");
        }

        var note = TextInput.Optional(ctx.GetArgument<string?>("note"), "note", MaxNoteLength, multiline: true);
        var dutyOfficer = TextInput.Optional(ctx.GetArgument<string?>("dutyOfficer"), "dutyOfficer", MaxShortTextLength);
        return await UnitOfWork.RunAsync(db, ctx.WriteOrigin(),
            w => ServiceDb.RecordCheckAsync(w, shift, channel, result, note, dutyOfficer, ctx.CancellationToken), ctx.CancellationToken);
    }

    private static ServiceInput Read(DutyServiceInput input)
    {
        var code = TextInput.Required(input.Code, "input.code", MaxCodeLength);
        var name = TextInput.Required(input.Name, "input.name", MaxNameLength);
        static IReadOnlyList<string> Strings(IReadOnlyList<string>? values, string argument) =>
            (values ?? []).Count > MaxListItems
                ? throw new BadUserInputException($"{argument} holds at most {MaxListItems} entries", argument)
                : (values ?? []).Select((v, i) => TextInput.Required(v, $"{argument}[{i}]", MaxShortTextLength)).ToList();
        var channels = (input.Channels ?? []).Select((c, i) =>
            (c.Kind, TextInput.Required(c.Address, $"input.channels[{i}].address", MaxShortTextLength),
                TextInput.Optional(c.Label, $"input.channels[{i}].label", MaxShortTextLength))).ToList();
        if (channels.Count > MaxListItems)
        {
            throw new BadUserInputException($"input.channels holds at most {MaxListItems} entries", "input.channels");
        }

        return new ServiceInput(code, input.Kind, name, input.Territory, TextInput.Optional(input.DutyOfficer, "input.dutyOfficer", MaxShortTextLength),
            Strings(input.Phones, "input.phones"), Strings(input.CallSigns, "input.callSigns"), channels);
    }
}
