using AsyncProf.Weaver.Discovery;
using NUnit.Framework;

namespace AsyncProf.Tests.Weaver.Discovery
{
    [TestFixture]
    public class NameFilterTests
    {
        [TestCase("Shop.Orders.Place", true)]
        [TestCase("Shop.Orders.Place.lambda#1", false)]
        [TestCase("Shop.Cart.Add", false)]
        [TestCase("Other.Orders.Place", false)]
        public void Includes_then_excludes_with_star_wildcards(string name, bool accepted)
        {
            var filter = new NameFilter(new[] { "Shop.Orders.*" }, new[] { "*.lambda#*" });
            Assert.That(filter.Accepts(name), Is.EqualTo(accepted));
        }

        [Test]
        public void No_include_means_everything_and_other_characters_are_literal()
        {
            var filter = new NameFilter(new string[0], new[] { "Repo<T>.Get(x)" });
            Assert.That(filter.Accepts("Anything.At.All"));
            Assert.That(filter.Accepts("Repo<T>.Get(x)"), Is.False);
            Assert.That(filter.Accepts("Repo<T>.GetXx"), Is.True);
        }
    }
}
