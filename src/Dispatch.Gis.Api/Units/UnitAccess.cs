using Dispatch.Gis.Auth;
using Dispatch.Gis.GraphQL;

namespace Dispatch.Gis.Units;

/// <summary>Who may write which units and services: one answer for every mutation and job that touches them.</summary>
internal static class UnitAccess
{
    /// <summary>
    /// 112 officers write units in their territories; a partner officer only its own service's units; an ingest
    /// account only the units or services its token names (or all with "*").
    /// </summary>
    public static void RequireUnitWrite(Caller caller, UnitOwner owner, string argument)
    {
        var allowed = caller.Role switch
        {
            Role.DutyOfficer112 or Role.Admin => caller.Scope.Covers(owner.TerritoryKato),
            Role.PartnerOfficer => IsOwnService(caller, owner.ServiceId, owner.ServiceCode),
            Role.Ingest => caller.Sources.Contains("*") || caller.Sources.Contains(owner.Id.ToString()) || caller.Sources.Contains(owner.ServiceCode),
            _ => false,
        };
        if (!allowed)
        {
            throw new ForbiddenException("this unit is not one this token may write", argument);
        }
    }

    public static void RequireServiceWrite(Caller caller, Guid serviceId, string serviceCode, string territory)
    {
        var allowed = caller.Role == Role.PartnerOfficer ? IsOwnService(caller, serviceId, serviceCode) : caller.Scope.Covers(territory);
        if (!allowed)
        {
            throw new ForbiddenException("this service is not one this token may write", "service");
        }
    }

    public static bool IsOwnService(Caller caller, Guid serviceId, string serviceCode) =>
        caller.ServiceId is { } own && (own == serviceCode || own == serviceId.ToString());
}
