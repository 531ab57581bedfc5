using AsyncProf.Weaver.Discovery;
using NUnit.Framework;

namespace AsyncProf.Tests.Weaver.Discovery
{
    [TestFixture]
    public class CompilerNamesTests
    {
        [TestCase("<Main>b__5_0", "Main", 'b', "5_0")]
        [TestCase("<Run>b__0", "Run", 'b', "0")]
        [TestCase("<Main>g__Inner|5_1", "Main", 'g', "Inner|5_1")]
        [TestCase("<<Main>$>b__0_0", "<Main>$", 'b', "0_0")]
        [TestCase("<<Main>$>g__Local|0_0", "<Main>$", 'g', "Local|0_0")]
        [TestCase("<Convert>d__0`1", "Convert", 'd', "0`1")]
        [TestCase("<.ctor>b__0_0", ".ctor", 'b', "0_0")]
        public void Parses_mangled_names(string name, string outer, char kind, string suffix)
        {
            Assert.That(CompilerNames.TryParse(name, out var o, out var k, out var s));
            Assert.That((o, k, s), Is.EqualTo((outer, kind, suffix)));
        }

        [TestCase("Main")]
        [TestCase("<Main>$")]
        [TestCase("<Main>")]
        [TestCase("<>c")]
        [TestCase("<>c__DisplayClass0_0")]
        [TestCase("<PrivateImplementationDetails>")]
        public void Rejects_names_that_are_not_member_manglings(string name)
        {
            Assert.That(CompilerNames.TryParse(name, out _, out _, out _), Is.False);
        }
    }
}
