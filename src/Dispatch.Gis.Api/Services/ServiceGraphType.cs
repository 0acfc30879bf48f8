using Dispatch.Gis.GraphQL;
using Dispatch.Gis.Territories;
using GraphQL;
using GraphQL.DataLoader;
using GraphQL.Types;
using Npgsql;

namespace Dispatch.Gis.Services;

internal sealed class ServiceKindGraphType : EnumerationGraphType<ServiceKind>
{
    public ServiceKindGraphType() => Name = "ServiceKind";
}

internal sealed class ChannelKindGraphType : EnumerationGraphType<ChannelKind>
{
    public ChannelKindGraphType() => Name = "ChannelKind";
}

internal sealed class CheckResultGraphType : EnumerationGraphType<CheckResult>
{
    public CheckResultGraphType() => Name = "CheckResult";
}

internal sealed class ServiceLoaders(NpgsqlDataSource db)
{
    public IDataLoaderResult<DutyService?> ServiceById(IResolveFieldContext ctx, Guid id) =>
        RequestLoaders.One<Guid, DutyService>(ctx, "ServiceById", id, (keys, ct) => ServiceDb.ByIdAsync(db, keys, ct));

    public IDataLoaderResult<IReadOnlyList<ServiceChannel>> ChannelsByServiceId(IResolveFieldContext ctx, Guid id) =>
        RequestLoaders.Many<Guid, ServiceChannel>(ctx, "ChannelsByServiceId", id, (keys, ct) => ServiceDb.ChannelsByServiceAsync(db, keys, ct));

    public IDataLoaderResult<IReadOnlyList<CommsCheck>> ChecksByShiftId(IResolveFieldContext ctx, Guid id) =>
        RequestLoaders.Many<Guid, CommsCheck>(ctx, "ChecksByShiftId", id, (keys, ct) => ServiceDb.ChecksByShiftAsync(db, keys, ct));

    public IDataLoaderResult<Shift?> ShiftById(IResolveFieldContext ctx, Guid id) =>
        RequestLoaders.One<Guid, Shift>(ctx, "ShiftById", id, (keys, ct) => ServiceDb.ShiftByIdAsync(db, keys, ct));
}

internal sealed class ServiceChannelGraphType : ObjectGraphType<ServiceChannel>
{
    public ServiceChannelGraphType()
    {
        Name = "ServiceChannel";
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(ctx => ctx.Source.Id);
        Field<NonNullGraphType<ChannelKindGraphType>>("kind").Resolve(ctx => ctx.Source.Kind);
        Field(x => x.Address).Description("Number, frequency or call sign, address.");
        Field(x => x.Label, nullable: true);
    }
}

internal sealed class DutyServiceGraphType : ObjectGraphType<DutyService>
{
    public DutyServiceGraphType(ServiceLoaders loaders, TerritoryLoaders territories, Units.UnitLoaders units)
    {
        Name = "DutyService";
        Description = "A duty-dispatch service of Rules §3: 112 or one of its partners.";
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(ctx => ctx.Source.Id);
        Field(x => x.Code);
        Field<NonNullGraphType<ServiceKindGraphType>>("kind").Resolve(ctx => ctx.Source.Kind);
        Field(x => x.Name);
        Field(x => x.TerritoryKato);
        Field<TerritoryGraphType>("territory").Resolve(ctx => territories.TerritoryByKato(ctx, ctx.Source.TerritoryKato));
        Field(x => x.DutyOfficer, nullable: true);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>>("phones").Resolve(ctx => ctx.Source.Phones);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>>("callSigns").Resolve(ctx => ctx.Source.CallSigns);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ServiceChannelGraphType>>>>("channels")
            .Resolve(ctx => loaders.ChannelsByServiceId(ctx, ctx.Source.Id));
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<Units.UnitGraphType>>>>("units")
            .Resolve(ctx => units.UnitsByServiceId(ctx, ctx.Source.Id));
        Field<NonNullGraphType<BooleanGraphType>>("fieldsUnits")
            .Description("False for kinds 5–8 (national security, air SAR, utility, telecom), which send no response units under §5.2–5.3.")
            .Resolve(ctx => ctx.Source.FieldsUnits);
    }
}

internal sealed class DutyServiceConnectionGraphType() : ConnectionGraphType<DutyService, DutyServiceGraphType>("DutyService");

internal sealed class CommsCheckGraphType : ObjectGraphType<CommsCheck>
{
    public CommsCheckGraphType(ServiceLoaders loaders)
    {
        Name = "CommsCheck";
        Field<DutyServiceGraphType>("partner").Description("The partner service; null when its territory is outside your scope.").Resolve(ctx => loaders.ServiceById(ctx, ctx.Source.ServiceId));
        Field<NonNullGraphType<ServiceChannelGraphType>>("channel")
            .Resolve(ctx => loaders.ChannelsByServiceId(ctx, ctx.Source.ServiceId).Then(channels => channels.First(c => c.Id == ctx.Source.ChannelId)));
        Field<NonNullGraphType<CheckResultGraphType>>("result").Resolve(ctx => ctx.Source.Result);
        Field(x => x.Note, nullable: true);
        Field(x => x.ConfirmedDutyOfficer, nullable: true).Description("The partner's duty officer as confirmed on this channel.");
        Field<DateTimeGraphType>("checkedAt").Resolve(ctx => ctx.Source.CheckedAt);
        Field(x => x.CheckedBy, nullable: true);
    }
}

internal sealed class PartnerCheckGraphType : ObjectGraphType<PartnerCheckState>
{
    public PartnerCheckGraphType()
    {
        Name = "PartnerCheck";
        Field<DutyServiceGraphType>("partner").Description("The partner service; null when its territory is outside your scope.").Resolve(ctx => ctx.Source.Service);
        Field<NonNullGraphType<BooleanGraphType>>("confirmed")
            .Description("Every channel tried and at least one answered.").Resolve(ctx => ctx.Source.Confirmed);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<CommsCheckGraphType>>>>("checks").Resolve(ctx => ctx.Source.Checks);
    }
}

internal sealed class ShiftGraphType : ObjectGraphType<Shift>
{
    public ShiftGraphType(ServiceLoaders loaders)
    {
        Name = "Shift";
        Description = "A 112 duty shift and its shift-start check of every partner and channel (Rules §5.1).";
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(ctx => ctx.Source.Id);
        Field(x => x.TerritoryKato);
        Field(x => x.StartedBy);
        Field<NonNullGraphType<DateTimeGraphType>>("startedAt").Resolve(ctx => ctx.Source.StartedAt);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<PartnerCheckGraphType>>>>("partners")
            .ResolveAsync(async ctx => await PartnersAsync(ctx, loaders));
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<DutyServiceGraphType>>>>("unconfirmedPartners")
            .Description("Partners not yet confirmed on this shift.")
            .ResolveAsync(async ctx => (await PartnersAsync(ctx, loaders)).Where(p => !p.Confirmed).Select(p => p.Service).ToList());
    }

    // Shifts are looked at one at a time: two queries (checks, then all their partners in one batch).
    private static async Task<List<PartnerCheckState>> PartnersAsync(IResolveFieldContext<Shift> ctx, ServiceLoaders loaders)
    {
        var checks = await loaders.ChecksByShiftId(ctx, ctx.Source.Id).GetResultAsync(ctx.CancellationToken);
        var pending = checks.GroupBy(c => c.ServiceId).Select(g => (Checks: g.ToList(), Service: loaders.ServiceById(ctx, g.Key))).ToList();
        var partners = new List<PartnerCheckState>();
        foreach (var (group, service) in pending)
        {
            partners.Add(new PartnerCheckState((await service.GetResultAsync(ctx.CancellationToken))!, group));
        }

        return [.. partners.OrderBy(p => p.Service.Code, StringComparer.Ordinal)];
    }
}
