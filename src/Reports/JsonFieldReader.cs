using System.Collections.Generic;
using System.Text.Json;

namespace AsyncProf.Reports
{
    /// <summary>
    /// The field helpers of the profile readers (<see cref="ProfileReader"/> and its sections): each checks one JSON
    /// value and reports a problem as a <see cref="ProfileFormatException"/> naming the file and the JSON location.
    /// </summary>
    internal abstract class JsonFieldReader
    {
        protected readonly string Source;

        protected JsonFieldReader(string source) => Source = source;

        protected ProfileFormatException Fail(string problem) => new ProfileFormatException(Source, problem);

        protected JsonElement Required(JsonElement obj, string name, string at, JsonValueKind kind)
        {
            var where = at.Length == 0 ? name : at + "." + name;
            if (!obj.TryGetProperty(name, out var v)) throw Fail($"missing \"{where}\"");
            if (v.ValueKind != kind) throw Fail($"{where}: expected {Article(kind)}, got {Describe(v)}");
            return v;
        }

        protected JsonElement.ArrayEnumerator RequiredArray(JsonElement root, string name) =>
            Required(root, name, "", JsonValueKind.Array).EnumerateArray();

        /// <summary>The objects of the root's required array <paramref name="name"/>, located as <c>name[i]</c>.</summary>
        protected IEnumerable<(JsonElement Value, string At)> RequiredObjects(JsonElement root, string name) =>
            Objects(RequiredArray(root, name), name);

        /// <summary>
        /// The loop of every section: each item of an array with its JSON location (<c>functions[3]</c>) for the
        /// messages; an item that is not an object is refused.
        /// </summary>
        protected IEnumerable<(JsonElement Value, string At)> Objects(JsonElement.ArrayEnumerator items, string at)
        {
            var i = 0;
            foreach (var e in items)
            {
                var where = $"{at}[{i++}]";
                RequireObject(e, where);
                yield return (e, where);
            }
        }

        protected void RequireObject(JsonElement e, string at)
        {
            if (e.ValueKind != JsonValueKind.Object) throw Fail($"{at}: expected an object, got {Describe(e)}");
        }

        protected string String(JsonElement obj, string name, string at) =>
            JsonText.GetString(Required(obj, name, at, JsonValueKind.String), Source, $"{at}.{name}");

        protected string? OptionalString(JsonElement obj, string name, string at)
        {
            if (!obj.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
            if (v.ValueKind != JsonValueKind.String) throw Fail($"{at}.{name}: expected a string, got {Describe(v)}");
            return JsonText.GetString(v, Source, $"{at}.{name}");
        }

        protected long Int(JsonElement obj, string name, string at)
        {
            if (!obj.TryGetProperty(name, out var v)) throw Fail($"{at}: missing \"{name}\"");
            return AsInt(v, $"{at}.{name}");
        }

        protected long? NullableInt(JsonElement obj, string name, string at)
        {
            if (!obj.TryGetProperty(name, out var v)) throw Fail($"{at}: missing \"{name}\"");
            return v.ValueKind == JsonValueKind.Null ? null : AsInt(v, $"{at}.{name}");
        }

        /// <summary>A required count, time or size: an integer, never negative.</summary>
        protected long Count(JsonElement obj, string name, string at)
        {
            var value = Int(obj, name, at);
            if (value < 0) throw Fail($"{at}.{name}: negative ({value})");
            return value;
        }

        protected double OptionalNonNegative(JsonElement obj, string name, string at)
        {
            if (!obj.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return 0;
            if (v.ValueKind != JsonValueKind.Number || !v.TryGetDouble(out var value) || double.IsNaN(value) || double.IsInfinity(value))
                throw Fail($"{at}.{name}: expected a number, got {Describe(v)}");
            if (value < 0) throw Fail($"{at}.{name}: out of range ({JsonText.Shown(v.GetRawText())})");
            return value;
        }

        protected long OptionalInt(JsonElement obj, string name, string at, long min, long max)
        {
            if (!obj.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return 0;
            var value = AsInt(v, $"{at}.{name}");
            if (value < min || value > max) throw Fail($"{at}.{name}: out of range ({value})");
            return value;
        }

        /// <summary>An optional count, time or size: null when absent or null, else an integer, never negative.</summary>
        protected long? OptionalCount(JsonElement obj, string name, string at) =>
            obj.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? OptionalInt(obj, name, at, 0, long.MaxValue) : null;

        protected long AsInt(JsonElement v, string where)
        {
            if (v.ValueKind != JsonValueKind.Number) throw Fail($"{where}: expected an integer, got {Describe(v)}");
            if (!v.TryGetInt64(out var value)) throw Fail($"{where}: expected an integer, got {JsonText.Shown(v.GetRawText())}");
            return value;
        }

        /// <summary>The wall split fields (added to asyncprof/1 later) are all there.</summary>
        protected static bool HasWallSplit(JsonElement e) =>
            e.TryGetProperty("runningNs", out _) && e.TryGetProperty("blockedNs", out _) && e.TryGetProperty("suspendedNs", out _);

        protected static string Article(JsonValueKind kind) => kind switch
        {
            JsonValueKind.Object => "an object",
            JsonValueKind.Array => "an array",
            JsonValueKind.String => "a string",
            JsonValueKind.Number => "a number",
            _ => kind.ToString().ToLowerInvariant(),
        };

        protected static string Describe(JsonElement e) => e.ValueKind switch
        {
            JsonValueKind.Object => "an object",
            JsonValueKind.Array => "an array",
            JsonValueKind.String => "a string",
            JsonValueKind.Number => "the number " + JsonText.Shown(e.GetRawText()),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            JsonValueKind.Null => "null",
            _ => e.ValueKind.ToString(),
        };
    }
}
