using System.IO;
using System.Linq;
using System.Text;
using AsyncProf.Reports;
using AsyncProf.Tests.Infrastructure;
using NUnit.Framework;

namespace AsyncProf.Tests.Reports
{
    /// <summary>
    /// Text in a profile that cannot be decoded, which used to escape the reader as an internal error (exit 3):
    /// bytes that are not UTF-8 and lone surrogate escapes, in values and in property names. Refused with where.
    /// </summary>
    [TestFixture]
    [Category(Categories.Integration)]
    public class ProfileTextTests
    {
        static readonly string Valid = File.ReadAllText(Path.Combine(RepoPaths.Root, "tests", "AsyncProf.Tests", "Reports", "Exporters", "Data", "async-resume.json"));

        static byte[] Replace(string find, byte[] replacement)
        {
            var at = Valid.IndexOf(find, System.StringComparison.Ordinal);
            Assert.That(at, Is.GreaterThan(0), find);
            return Encoding.UTF8.GetBytes(Valid.Substring(0, at)).Concat(replacement).Concat(Encoding.UTF8.GetBytes(Valid.Substring(at + find.Length))).ToArray();
        }

        static string Problem(byte[] bytes) =>
            Assert.Throws<ProfileFormatException>(() => ProfileReader.Parse(bytes, "p.json"))!.Message;

        [Test]
        public void Invalid_UTF8_is_refused_with_its_line_and_offset()
        {
            var bytes = Replace("Svc.Client.Parse", new byte[] { (byte)'P', 0xFF, (byte)'e' });
            var expectedLine = Valid.Substring(0, Valid.IndexOf("Svc.Client.Parse", System.StringComparison.Ordinal)).Count(c => c == '\n') + 1;
            Assert.That(Problem(bytes), Does.StartWith($"p.json: not valid UTF-8 at line {expectedLine} (byte offset ").And.Contain("0xFF"));
        }

        [Test]
        public void A_lone_surrogate_escape_in_a_name_is_refused_with_its_place()
        {
            var bytes = Replace("Svc.Client.Parse", Encoding.UTF8.GetBytes("Parse\\ud800"));
            Assert.That(Problem(bytes), Does.StartWith("p.json: functions[2].name: not text"));
        }

        [Test]
        public void A_lone_surrogate_escape_in_a_property_name_is_refused_with_its_place()
        {
            var bytes = Replace("\"kind\": \"async\"", Encoding.UTF8.GetBytes("\"ki\\udc00nd\": \"async\""));
            Assert.That(Problem(bytes), Does.StartWith("p.json: functions[1]: property 3 has a name that is not text"));
        }

        [Test]
        public void An_escaped_surrogate_pair_is_text()
        {
            var bytes = Replace("Svc.Client.Parse", Encoding.UTF8.GetBytes("Parse\\ud83d\\ude00"));
            Assert.That(ProfileReader.Parse(bytes, "p.json").Functions[2].Name, Is.EqualTo("Parse\U0001F600"));
        }

        [Test]
        public void The_cli_exits_1_with_one_line()
        {
            var dir = Path.Combine(RepoPaths.Scratch, "work", "text-" + System.Guid.NewGuid().ToString("N").Substring(0, 8));
            Directory.CreateDirectory(dir);
            var path = Path.Combine(dir, "surrogate.json");
            File.WriteAllBytes(path, Replace("Svc.Client.Parse", Encoding.UTF8.GetBytes("Parse\\ud800")));
            var r = CliRunner.Run("report", path, "-o", Path.Combine(dir, "out.callgrind"));
            Assert.That(r.ExitCode, Is.EqualTo(1), r.ToString());
            Assert.That(CliRunner.Lines(r.StdErr), Is.EqualTo(new[] { $"asyncprof: {path}: functions[2].name: not text (a \\u escape of half a surrogate pair, such as \\ud800, without its other half)" }));
            Assert.That(Directory.GetFiles(dir), Is.EqualTo(new[] { path }), "no output written");
        }
    }
}
