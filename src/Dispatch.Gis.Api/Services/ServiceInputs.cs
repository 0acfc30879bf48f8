using GraphQL.Types;

namespace Dispatch.Gis.Services;

internal sealed record ChannelInput(ChannelKind Kind, string Address, string? Label);

internal sealed record DutyServiceInput(string Code, ServiceKind Kind, string Name, string Territory, string? DutyOfficer, IReadOnlyList<string>? Phones,
    IReadOnlyList<string>? CallSigns, IReadOnlyList<ChannelInput>? Channels);

internal sealed class ChannelInputGraphType : InputObjectGraphType<ChannelInput>
{
    public ChannelInputGraphType()
    {
        Name = "ChannelInput";
        Field<NonNullGraphType<ChannelKindGraphType>>("kind");
        Field<NonNullGraphType<StringGraphType>>("address");
        Field<StringGraphType>("label");
    }
}

internal sealed class DutyServiceInputGraphType : InputObjectGraphType<DutyServiceInput>
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
