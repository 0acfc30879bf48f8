using Dispatch.Gis.Auth;
using Dispatch.Gis.GraphQL;
using Dispatch.Gis.Storage;
using GraphQL;
using GraphQL.Types;
using Npgsql;

namespace Dispatch.Gis.Services;

internal sealed class ChannelInputGraphType : InputObjectGraphType
{
    public ChannelInputGraphType()
    {
        Name = "ChannelInput";
        Field<NonNullGraphType<ChannelKindGraphType>>("kind");
        Field<NonNullGraphType<StringGraphType>>("address");
        Field<StringGraphType>("label");
    }
}

internal sealed class DutyServiceInputGraphType : InputObjectGraphType
{
    public DutyServiceInputGraphType()
    {
        Name = "DutyServiceInput";
        Field<NonNullGraphType<StringGraphType>>("code").Description("Stable reference; an existing code updates that service.");
        Field<NonNullGraphType<ServiceKindGraphType>>("kind");
        Field<NonNullGraphType<StringGraphType>>("name");
        Field<NonNullGraphType<StringGraphType>>("territory").Description("KATO code of its area of responsibility.");
        Field<StringGraphType>("dutyOfficer");
        Field<ListGraphType<NonNullGraphType<StringGraphType>>>("phones");
        Field<ListGraphType<NonNullGraphType<StringGraphType>>>("callSigns");
        Field<ListGraphType<NonNullGraphType<ChannelInputGraphType>>>("channels");
    }
}

internal static class ServiceMutations
{
    public static void AddTo(ObjectGraphType root, NpgsqlDataSource db, ServiceLoaders loaders)
    {
        root.Field<NonNullGraphType<DutyServiceGraphType>>("upsertDutyService")
            .Description("Registers a duty-dispatch service or updates the one with this code, with its channels.")
            .Argument<NonNullGraphType<DutyServiceInputGraphType>>("input")
            .AllowRoles(Role.Admin, Role.DutyOfficer112)
            .ResolveAsync(async ctx =>
            {
                var input = Read(ctx.GetArgument<Dictionary<string, object?>>("input"));
                ctx.AuditTerritory(input.Territory);
                ctx.Caller().RequireTerritory(input.Territory, "input.territory");
                await using var tx = await WriteTransaction.BeginAsync(db, ctx, ctx.CancellationToken);
                await RequireTerritoryExistsAsync(tx, input.Territory, ctx.CancellationToken);
                var id = await ServiceDb.UpsertAsync(tx, input, ctx.Caller().Name, ctx.CancellationToken);
                await tx.CommitAsync(ctx.CancellationToken);
                return await loaders.ServiceById(ctx, id).GetResultAsync(ctx.CancellationToken);
            });

        root.Field<NonNullGraphType<ShiftGraphType>>("startShift")
            .Description("Opens a shift: one pending check per channel of every partner in the territory and its districts.")
            .Argument<NonNullGraphType<StringGraphType>>("territory")
            .AllowRoles(Role.DutyOfficer112)
            .ResolveAsync(async ctx =>
            {
                var territory = ctx.GetArgument<string>("territory");
                ctx.AuditTerritory(territory);
                ctx.Caller().RequireTerritory(territory, "territory");
                await using var tx = await WriteTransaction.BeginAsync(db, ctx, ctx.CancellationToken);
                await RequireTerritoryExistsAsync(tx, territory, ctx.CancellationToken);
                var (shift, checks) = await ServiceDb.StartShiftAsync(tx, territory, ctx.Caller().Name, ctx.CancellationToken);
                await Events.EventLog.AppendAsync(tx.Connection, tx.Transaction,
                    [new Events.NewEvent("SHIFT_STARTED", "Shift", shift.Id.ToString(), new { checks }, null, territory, ctx.Caller().Name)], ctx.CancellationToken);
                await tx.CommitAsync(ctx.CancellationToken);
                return shift;
            });

        root.Field<NonNullGraphType<CommsCheckGraphType>>("recordCommsCheck")
            .Description("Records the result of checking one partner channel in a shift, and the duty officer confirmed on it.")
            .Argument<NonNullGraphType<IdGraphType>>("shift")
            .Argument<NonNullGraphType<IdGraphType>>("channel")
            .Argument<NonNullGraphType<CheckResultGraphType>>("result")
            .Argument<StringGraphType>("note")
            .Argument<StringGraphType>("dutyOfficer", "The partner's duty officer as confirmed.")
            .AllowRoles(Role.DutyOfficer112)
            .ResolveAsync(async ctx =>
            {
                var shift = await loaders.ShiftById(ctx, ctx.GetArgument<Guid>("shift")).GetResultAsync(ctx.CancellationToken)
                    ?? throw new DispatchException(ErrorCodes.NotFound, "no such shift", "shift");
                ctx.AuditTerritory(shift.TerritoryKato);
                ctx.Caller().RequireTerritory(shift.TerritoryKato, "shift");
                var result = ctx.GetArgument<CheckResult>("result");
                if (result == CheckResult.Pending)
                {
                    throw new BadUserInputException("a check is recorded as OK, FAILED or NOT_ANSWERED", "result");
                }

                await using var tx = await WriteTransaction.BeginAsync(db, ctx, ctx.CancellationToken);
                var check = await ServiceDb.RecordCheckAsync(tx, shift.Id, ctx.GetArgument<Guid>("channel"), result, ctx.GetArgument<string?>("note"),
                    ctx.GetArgument<string?>("dutyOfficer"), ctx.Caller().Name, ctx.CancellationToken)
                    ?? throw new DispatchException(ErrorCodes.NotFound, "that channel is not part of this shift's check", "channel");
                await tx.CommitAsync(ctx.CancellationToken);
                return check;
            });
    }

    internal static async Task RequireTerritoryExistsAsync(WriteTransaction tx, string kato, CancellationToken ct)
    {
        await using var cmd = tx.Command("SELECT 1 FROM territories WHERE kato = $1");
        cmd.Parameters.Add(new NpgsqlParameter { Value = kato });
        if (await cmd.ExecuteScalarAsync(ct) is null)
        {
            throw new DispatchException(ErrorCodes.NotFound, $"no territory with KATO {kato}", "territory");
        }
    }

    private static ServiceInput Read(Dictionary<string, object?> input)
    {
        static IReadOnlyList<string> Strings(object? value) => (value as IEnumerable<object?>)?.Select(v => ((string)v!).Trim()).ToList() ?? [];
        var code = ((string)input["code"]!).Trim();
        var name = ((string)input["name"]!).Trim();
        if (code.Length is 0 or > 64 || name.Length is 0 or > 300)
        {
            throw new BadUserInputException("code (1–64 characters) and name (1–300) are required", "input");
        }

        var channels = ((input.GetValueOrDefault("channels") as IEnumerable<object?>) ?? [])
            .Cast<Dictionary<string, object?>>()
            .Select(c => ((ChannelKind)c["kind"]!, ((string)c["address"]!).Trim(), c.GetValueOrDefault("label") as string))
            .ToList();
        if (channels.Any(c => c.Item2.Length == 0))
        {
            throw new BadUserInputException("a channel needs an address", "input.channels");
        }

        return new ServiceInput(code, (ServiceKind)input["kind"]!, name, (string)input["territory"]!, input.GetValueOrDefault("dutyOfficer") as string,
            Strings(input.GetValueOrDefault("phones")), Strings(input.GetValueOrDefault("callSigns")), channels);
    }
}
