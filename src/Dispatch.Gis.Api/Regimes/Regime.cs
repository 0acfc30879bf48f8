namespace Dispatch.Gis.Regimes;

/// <summary>Ordered by escalation, so the effective regime is the maximum.</summary>
internal enum Regime
{
    Daily = 0,
    HighReadiness = 1,
    Emergency = 2,
}

internal sealed record RegimeDeclaration(
    long Id,
    string TerritoryKato,
    Regime Regime,
    string Basis,
    string DeclaredBy,
    DateTime ValidFrom,
    DateTime? ValidTo);

/// <summary>A territory's own open declaration and its region's, from which the effective regime follows.</summary>
internal sealed record RegimeState(string Kato, RegimeDeclaration? Own, RegimeDeclaration? Region)
{
    public Regime OwnRegime => Own?.Regime ?? Regime.Daily;

    public Regime Effective => (Regime)Math.Max((int)OwnRegime, (int)(Region?.Regime ?? Regime.Daily));

    /// <summary>The declaration that decides the effective regime (null while everything is DAILY by default).</summary>
    public RegimeDeclaration? Decisive => Region is { } r && r.Regime > OwnRegime ? r : Own;
}
