using System.Text;

namespace Dispatch.Gis.Storage;

/// <summary>Enums are stored as the same CONSTANT_CASE text GraphQL shows, so SQL, API and logs read alike.</summary>
internal static class DbEnum
{
    public static T Parse<T>(string text) where T : struct, Enum =>
        Enum.Parse<T>(text.Replace("_", "", StringComparison.Ordinal), ignoreCase: true);

    public static string Text<T>(T value) where T : struct, Enum => Text((Enum)value);

    public static string Text(Enum value)
    {
        var name = value.ToString();
        var sb = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            // DutyOfficer112 → DUTY_OFFICER_112: a break before each capital and before a run of digits.
            if (i > 0 && (char.IsUpper(name[i]) || (char.IsDigit(name[i]) && !char.IsDigit(name[i - 1]))))
            {
                sb.Append('_');
            }

            sb.Append(char.ToUpperInvariant(name[i]));
        }

        return sb.ToString();
    }
}
