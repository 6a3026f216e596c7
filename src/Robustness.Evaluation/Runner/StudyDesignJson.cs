using System.Text.Json;
using System.Text.Json.Serialization;
using Robustness.Evaluation.Designs;

namespace Robustness.Evaluation.Runner;

/// <summary>A study design as JSON (camelCase, enums as names), as the result store records it.</summary>
internal static class StudyDesignJson
{
    private static readonly JsonSerializerOptions _options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>The design as one line of JSON (the same design always gives the same text).</summary>
    /// <param name="design">The design.</param>
    /// <returns>The JSON text.</returns>
    public static string Serialize(StudyDesign design)
    {
        ArgumentNullException.ThrowIfNull(design);
        return JsonSerializer.Serialize(design, _options);
    }

    /// <summary>Reads a design written by <see cref="Serialize"/>.</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The design.</returns>
    /// <exception cref="JsonException">The text is not a design.</exception>
    public static StudyDesign Deserialize(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return JsonSerializer.Deserialize<StudyDesign>(json, _options) ?? throw new JsonException("The JSON text holds null, not a study design.");
    }
}
