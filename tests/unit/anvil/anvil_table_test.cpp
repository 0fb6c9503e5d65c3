#include "anvil_table.hpp"

#include <gtest/gtest.h>

namespace postern::anvil {
namespace {

using Verdict = AnvilTable::Verdict;

AnvilTable table(std::size_t count, std::size_t rate = 0) {
    return AnvilTable(server::ClientLimiter(count, rate, std::chrono::seconds(60)));
}

TEST(AnvilTable, CountsSessionsAcrossConnections) {
    auto t = table(2);
    auto now = AnvilTable::Clock::now();
    EXPECT_EQ(t.admit(1, "192.0.2.1", now), Verdict::Ok);
    EXPECT_EQ(t.admit(2, "192.0.2.1", now), Verdict::Ok);
    EXPECT_EQ(t.admit(3, "192.0.2.1", now), Verdict::TooManyConnections);
    t.release(2, "192.0.2.1");
    EXPECT_EQ(t.admit(3, "192.0.2.1", now), Verdict::Ok);
}

TEST(AnvilTable, AClosedConnectionGivesBackWhatItHeld) {
    auto t = table(2);
    auto now = AnvilTable::Clock::now();
    ASSERT_EQ(t.admit(1, "192.0.2.1", now), Verdict::Ok);
    ASSERT_EQ(t.admit(1, "192.0.2.1", now), Verdict::Ok);
    EXPECT_EQ(t.held(1), 2u);
    t.drop(1);
    EXPECT_EQ(t.held(1), 0u);
    EXPECT_EQ(t.admit(2, "192.0.2.1", now), Verdict::Ok);
    EXPECT_EQ(t.admit(2, "192.0.2.1", now), Verdict::Ok);
}

TEST(AnvilTable, OneConnectionCannotReleaseAnothersSessions) {
    auto t = table(1);
    auto now = AnvilTable::Clock::now();
    ASSERT_EQ(t.admit(1, "192.0.2.1", now), Verdict::Ok);
    t.release(2, "192.0.2.1");
    t.release(2, "192.0.2.1");
    EXPECT_EQ(t.admit(2, "192.0.2.1", now), Verdict::TooManyConnections);
    EXPECT_EQ(t.held(1), 1u);
}

TEST(AnvilTable, ARefusedAdmitHoldsNothing) {
    auto t = table(0, 1);
    auto now = AnvilTable::Clock::now();
    ASSERT_EQ(t.admit(1, "192.0.2.1", now), Verdict::Ok);
    EXPECT_EQ(t.admit(1, "192.0.2.1", now), Verdict::TooFast);
    EXPECT_EQ(t.held(1), 1u);
}

}  // namespace
}  // namespace postern::anvil
