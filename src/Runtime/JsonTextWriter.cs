using System.Globalization;
using System.IO;

namespace AsyncProf
{
    /// <summary>Just enough JSON writing for the profile: the runtime takes no package dependencies.</summary>
    internal sealed class JsonTextWriter
    {
        readonly TextWriter w;
        bool needComma;

        public JsonTextWriter(TextWriter writer) => w = writer;

        public void StartObject(string? name = null) { Name(name); w.Write('{'); needComma = false; }
        public void EndObject() { w.Write('}'); needComma = true; }
        public void StartArray(string? name = null) { Name(name); w.Write('['); needComma = false; }
        public void EndArray() { w.Write(']'); needComma = true; }
        public void NewLine() => w.Write('\n');

        public void Number(string name, long value) { Name(name); w.Write(value.ToString(CultureInfo.InvariantCulture)); needComma = true; }
        public void Number(string name, double value) { Name(name); w.Write(value.ToString("0.###", CultureInfo.InvariantCulture)); needComma = true; }
        public void NumberOrNull(string name, long? value) { if (value.HasValue) Number(name, value.Value); else Null(name); }
        public void Null(string name) { Name(name); w.Write("null"); needComma = true; }

        public void String(string name, string? value)
        {
            Name(name);
            if (value == null) w.Write("null"); else Quoted(value);
            needComma = true;
        }

        void Name(string? name)
        {
            if (needComma) w.Write(',');
            needComma = false;
            if (name == null) return;
            Quoted(name);
            w.Write(':');
        }

        void Quoted(string s)
        {
            w.Write('"');
            foreach (var c in s)
            {
                switch (c)
                {
                    case '"': w.Write("\\\""); break;
                    case '\\': w.Write("\\\\"); break;
                    case '\n': w.Write("\\n"); break;
                    case '\r': w.Write("\\r"); break;
                    case '\t': w.Write("\\t"); break;
                    default:
                        if (c < 0x20) w.Write("\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture));
                        else w.Write(c);
                        break;
                }
            }
            w.Write('"');
        }
    }
}
