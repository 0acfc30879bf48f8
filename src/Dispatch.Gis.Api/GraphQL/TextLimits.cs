using GraphQL;
using GraphQL.Types;
using GraphQL.Utilities;

namespace Dispatch.Gis.GraphQL;

/// <summary>
/// The most characters each text input may hold. Every String argument and input field has one: the length below, or
/// <see cref="ShortText"/>. The schema states it in the field's description and refuses a longer value at the door with
/// BAD_USER_INPUT naming the input (the resolvers' own checks use the same constants), so what is documented is what
/// is enforced, and a new text input is bounded from the day it is added.
/// </summary>
internal static class TextLimits
{
    /// <summary>Codes, phone numbers, call signs.</summary>
    public const int Code = 64;

    /// <summary>Names, addresses, labels, search text, cursors — the default.</summary>
    public const int ShortText = 300;

    /// <summary>Notes and the basis of a decision.</summary>
    public const int Note = 2000;

    /// <summary>What a caller reported; a situation update.</summary>
    public const int LongText = 4000;

    /// <summary>Inputs whose limit is not <see cref="ShortText"/>: "Type.field" for input fields, "Type.field.argument" for arguments.</summary>
    internal static readonly IReadOnlyDictionary<string, int> Declared = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["CreateZoneInput.note"] = Note,
        ["Mutation.closeZone.note"] = Note,
        ["Mutation.updateZoneGeometry.note"] = Note,
        ["Mutation.recordCommsCheck.note"] = Note,
        ["Mutation.requestForces.note"] = Note,
        ["Mutation.addHazardZone.basis"] = Note,
        ["Mutation.declareRegime.basis"] = Note,
        ["ReportIncidentInput.description"] = LongText,
        ["Mutation.sendSituationUpdate.text"] = LongText,
        ["DutyServiceInput.code"] = Code,
        ["CreateUnitInput.callSign"] = Code,
        ["ReportIncidentInput.callerPhone"] = Code,
        ["ContactInput.phone"] = Code,
        ["SubstanceInput.state"] = Code,
        ["RunForecastInput.substance"] = Code,
        ["SubstanceInput.unNumber"] = 4,
        ["SubstanceInput.casNumber"] = 32,
        ["DeploymentReportInput.clientReportId"] = 200,
        ["PublicWarningInput.event"] = PublicWarnings.PublicWarningMutations.MaxEventLength,
        ["PublicWarningTextInput.headline"] = PublicWarnings.PublicWarningMutations.MaxHeadlineLength,
        ["PublicWarningTextInput.description"] = LongText,
        ["PublicWarningTextInput.instruction"] = LongText,
        ["PublicWarningTextInput.areaDesc"] = PublicWarnings.PublicWarningMutations.MaxAreaDescLength,
        ["PublicWarningAreaInput.territory"] = Code,
        ["Mutation.cancelPublicWarning.note"] = Note,
        ["CreateAlertSubscriptionInput.webhookUrl"] = Alerts.AlertMutations.MaxWebhookUrlLength,
        ["CreateAlertSubscriptionInput.territories"] = Code,
        ["Mutation.setTerritoryPopulation.kato"] = Code,
    };

    public static int For(string key) => Declared.GetValueOrDefault(key, ShortText);
}

/// <summary>Applies <see cref="TextLimits"/> to every String input of the schema as it is built.</summary>
internal sealed class TextLimitsVisitor : BaseSchemaNodeVisitor
{
    private readonly HashSet<string> _matched = new(StringComparer.Ordinal);

    public override void VisitObjectFieldArgumentDefinition(QueryArgument argument, FieldType field, IObjectGraphType type, ISchema schema)
    {
        var key = $"{type.Name}.{field.Name}.{argument.Name}";
        if (IsText(argument.ResolvedType) && Limit(key) is var max)
        {
            argument.Description = Document(argument.Description, max);
            argument.Validator += value => Check(value, argument.Name, max);
        }
    }

    public override void VisitInputObjectFieldDefinition(FieldType field, IInputObjectGraphType type, ISchema schema)
    {
        var key = $"{type.Name}.{field.Name}";
        if (IsText(field.ResolvedType) && Limit(key) is var max)
        {
            field.Description = Document(field.Description, max);
            field.Validator += value => Check(value, field.Name, max);
        }
    }

    public override void PostVisitSchema(ISchema schema)
    {
        // A limit declared for an input that does not exist is a typo that would leave the real one at the default.
        var unknown = TextLimits.Declared.Keys.Where(k => !_matched.Contains(k)).ToList();
        if (unknown.Count > 0)
        {
            throw new InvalidOperationException("text limits declared for inputs the schema does not have: " + string.Join(", ", unknown));
        }
    }

    private int Limit(string key)
    {
        _matched.Add(key);
        return TextLimits.For(key);
    }

    private static bool IsText(IGraphType? type) => type?.GetNamedType() is StringGraphType;

    private static string Document(string? description, int max) =>
        string.IsNullOrEmpty(description) ? $"At most {max} characters." : $"{description.TrimEnd()} At most {max} characters.";

    private static void Check(object? value, string name, int max)
    {
        switch (value)
        {
            case string text when text.Length > max:
                throw new BadUserInputException($"{name} must be at most {max} characters, got {text.Length}", name);
            case System.Collections.IEnumerable items and not string:
                foreach (var item in items)
                {
                    Check(item, name, max);
                }

                break;
        }
    }
}
