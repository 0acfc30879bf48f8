namespace Dispatch.Gis.GraphQL;

/// <summary>
/// Free text from callers: trimmed, bounded, and free of control characters (a NUL cannot be stored in text or jsonb,
/// and the others only hide what a record says). Line breaks and tabs stay where text may run over several lines.
/// </summary>
internal static class TextInput
{
    public static string Required(string? value, string argument, int maxLength, bool multiline = false) =>
        Optional(value, argument, maxLength, multiline) ?? throw new BadUserInputException($"{argument} must not be empty", argument);

    /// <summary>Null or blank is absent (null); anything else is checked like <see cref="Required"/>.</summary>
    public static string? Optional(string? value, string argument, int maxLength, bool multiline = false)
    {
        var text = value?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (text.Length > maxLength)
        {
            throw new BadUserInputException($"{argument} must be at most {maxLength} characters, got {text.Length}", argument);
        }

        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }

            var allowed = multiline && c is '\n' or '\r' or '\t';
            if (char.IsSurrogate(c) || (char.IsControl(c) && !allowed))
            {
                throw new BadUserInputException($"{argument} holds a control character or a broken surrogate at position {i}", argument);
            }
        }

        return text;
    }
}
