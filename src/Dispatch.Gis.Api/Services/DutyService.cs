namespace Dispatch.Gis.Services;

/// <summary>The eight kinds of interacting duty-dispatch services (Rules §3).</summary>
internal enum ServiceKind
{
    Udds112,
    Police,
    Ambulance,
    MedicalAviation,
    NationalSecurity,
    AirSearchRescue,
    UtilityEmergency,
    TelecomReference,
}

internal enum ChannelKind
{
    Phone,
    Radio,
    Satellite,
    DataLink,
    Email,
    Messenger,
}

internal enum CheckResult
{
    Pending,
    Ok,
    Failed,
    NotAnswered,
}

internal sealed record DutyService(Guid Id, string Code, ServiceKind Kind, string Name, string TerritoryKato, string? DutyOfficer,
    IReadOnlyList<string> Phones, IReadOnlyList<string> CallSigns) : Auth.ITerritorial
{
    /// <summary>Kinds 5–8 of Rules §3 field no response units under the high-readiness and emergency clauses.</summary>
    public bool FieldsUnits => Kind is ServiceKind.Udds112 or ServiceKind.Police or ServiceKind.Ambulance or ServiceKind.MedicalAviation;
}

internal sealed record ServiceChannel(Guid Id, Guid ServiceId, ChannelKind Kind, string Address, string? Label);

internal sealed record Shift(Guid Id, string TerritoryKato, string StartedBy, DateTime StartedAt) : Auth.ITerritorial;

internal sealed record CommsCheck(Guid ShiftId, Guid ServiceId, Guid ChannelId, CheckResult Result, string? Note,
    string? ConfirmedDutyOfficer, DateTime? CheckedAt, string? CheckedBy);

/// <summary>
/// A partner is confirmed for a shift once every one of its channels has been tried and at least one answered:
/// the 112 officer has then reached its duty officer and knows which channels work.
/// </summary>
internal sealed record PartnerCheckState(DutyService Service, IReadOnlyList<CommsCheck> Checks)
{
    public bool Confirmed => Checks.Count > 0 && Checks.All(c => c.Result != CheckResult.Pending) && Checks.Any(c => c.Result == CheckResult.Ok);
}
