namespace AssessmentEngine.ItemBank.Tests;

public sealed class NaturalOrderTests
{
    [Fact]
    public void References_sort_as_people_number_them()
    {
        string[] shuffled = ["3.10", "29d", "3.9", "1.1", "3.2.1", "29a", "10", "2", "3.2", "29b"];

        Assert.Equal(["1.1", "2", "3.2", "3.2.1", "3.9", "3.10", "10", "29a", "29b", "29d"], shuffled.Order(NaturalOrder.Comparer));
    }

    [Fact]
    public void Numbers_longer_than_a_long_do_not_overflow()
    {
        Assert.True(NaturalOrder.Comparer.Compare("1.99999999999999999999999", "1.100000000000000000000000") < 0);
    }
}
