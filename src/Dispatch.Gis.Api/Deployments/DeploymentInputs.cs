using Dispatch.Gis.Units;
using GraphQL.Types;

namespace Dispatch.Gis.Deployments;

internal sealed record DeploymentReportInput(string ClientReportId, int? Personnel, IReadOnlyList<VehicleInput>? Vehicles,
    DateTime? DepartedAt, DateTime? ArrivedAt, DateTime? LeftAt);

internal sealed class DeploymentReportInputGraphType : InputObjectGraphType<DeploymentReportInput>
{
    public DeploymentReportInputGraphType()
    {
        Name = "DeploymentReportInput";
        Field<NonNullGraphType<StringGraphType>>("clientReportId").Description("The sender's id for this report: a resend with the same id changes nothing.");
        Field<IntGraphType>("personnel");
        Field<ListGraphType<NonNullGraphType<VehicleInputGraphType>>>("vehicles");
        Field<DateTimeGraphType>("departedAt").Description("Left for the zone.");
        Field<DateTimeGraphType>("arrivedAt").Description("Arrived at the zone.");
        Field<DateTimeGraphType>("leftAt").Description("Left the zone.");
    }
}
