// The client protocol engine against a scripted server on 127.0.0.1.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <functional>
#include <optional>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "smtp_session.hpp"

namespace postern::smtp {
namespace {

// One connection, served by script on a thread; the lines it read are kept.
class ScriptedServer {
public:
    using Script = std::function<void(ScriptedServer&)>;
    explicit ScriptedServer(Script script) {
        listen_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ::bind(listen_, reinterpret_cast<sockaddr*>(&a), sizeof a);
        ::listen(listen_, 1);
        socklen_t len = sizeof a;
        ::getsockname(listen_, reinterpret_cast<sockaddr*>(&a), &len);
        port_ = ntohs(a.sin_port);
        thread_ = std::thread([this, script] {
            conn_ = ::accept(listen_, nullptr, nullptr);
            if (conn_ >= 0) script(*this);
            if (conn_ >= 0) ::close(conn_);
        });
    }
    ~ScriptedServer() {
        thread_.join();
        ::close(listen_);
    }
    int port() const { return port_; }
    void send(const std::string& s) { (void)!::write(conn_, s.data(), s.size()); }
    std::string line() {  // one CRLF line, without CRLF; "." at EOF
        std::string l;
        char c;
        while (::read(conn_, &c, 1) == 1) {
            l += c;
            if (l.size() >= 2 && l.ends_with("\r\n")) {
                l.resize(l.size() - 2);
                seen.push_back(l);
                return l;
            }
        }
        return ".";
    }
    std::string data() {  // up to the lone "."
        std::string d;
        for (std::string l = line(); l != "."; l = line()) d += l + "\n";
        return d;
    }
    void hang_up() {
        ::close(conn_);
        conn_ = -1;
    }
    std::vector<std::string> seen;

private:
    int listen_ = -1;
    int conn_ = -1;
    int port_ = 0;
    std::thread thread_;
};

const char* kEhlo = "250-mx.test\r\n250-PIPELINING\r\n250-SIZE 1000000\r\n250-DSN\r\n250 8BITMIME\r\n";

Transaction two_recipients(std::string content = "Subject: t\n\n.dot\nbody\n") {
    Transaction tx;
    tx.sender = "a@example.org";
    tx.recipients = {{"b@remote.test", "rfc822;b@remote.test", "NEVER"}, {"c@remote.test", "", ""}};
    tx.size = content.size();
    tx.ret = "HDRS";
    tx.envid = "id+1";
    tx.content = [content](const ContentSink& sink) { return sink(content); };
    return tx;
}

SessionSettings quick(SessionSettings settings = {}) {
    settings.reply_timeout = Millis{3000};
    settings.connect_timeout = Millis{3000};
    return settings;
}

SessionResult run(ScriptedServer& s, const Transaction& tx, SessionSettings settings = {}, bool keep_open = false) {
    return run_session(tx, ServerTarget{"mx.test", "127.0.0.1", s.port()}, quick(settings), keep_open);
}

TEST(SmtpSession, PipelinedTransactionWithDsnAndPerRecipientResults) {
    std::string body;
    ScriptedServer s([&](ScriptedServer& p) {
        p.send("220 mx.test ESMTP\r\n");
        p.line();
        p.send(kEhlo);
        for (int i = 0; i < 4; ++i) p.line();  // MAIL, RCPT, RCPT, DATA in one go
        p.send("250 ok\r\n250 ok\r\n550 5.1.1 no such user\r\n354 go\r\n");
        body = p.data();
        p.send("250 2.0.0 queued as X\r\n");
        p.line();
    });
    auto res = run(s, two_recipients());
    ASSERT_EQ(res.recipients.size(), 2u);
    EXPECT_EQ(res.recipients[0].state, RcptState::Delivered);
    EXPECT_EQ(res.recipients[0].dsn, "2.0.0");
    EXPECT_EQ(res.recipients[1].state, RcptState::Bounced);
    EXPECT_EQ(res.recipients[1].dsn, "5.1.1");
    EXPECT_NE(res.recipients[1].reason.find("said: 550 5.1.1 no such user (in reply to RCPT TO command)"),
              std::string::npos);
    ASSERT_GE(s.seen.size(), 5u);
    EXPECT_EQ(s.seen[1], "MAIL FROM:<a@example.org> SIZE=22 RET=HDRS ENVID=id+2B1");
    EXPECT_EQ(s.seen[2], "RCPT TO:<b@remote.test> NOTIFY=NEVER ORCPT=rfc822;b@remote.test");
    EXPECT_EQ(s.seen[3], "RCPT TO:<c@remote.test>");
    EXPECT_EQ(body, "Subject: t\n\n..dot\nbody\n");
}

TEST(SmtpSession, GreetingWith421LeavesRecipientsForTheNextMx) {
    ScriptedServer s([](ScriptedServer& p) { p.send("421 busy\r\n"); });
    auto res = run(s, two_recipients());
    EXPECT_EQ(res.recipients[0].state, RcptState::Pending);
    EXPECT_NE(res.server_error.find("421 busy"), std::string::npos);
}

TEST(SmtpSession, MessageOverServerSizeLimitBouncesWithoutMail) {
    ScriptedServer s([](ScriptedServer& p) {
        p.send("220 hi\r\n");
        p.line();
        p.send("250-mx\r\n250 SIZE 10\r\n");
        p.line();
    });
    auto res = run(s, two_recipients());
    EXPECT_EQ(res.recipients[0].state, RcptState::Bounced);
    EXPECT_EQ(res.recipients[0].dsn, "5.3.4");
    for (const auto& l : s.seen) EXPECT_FALSE(l.starts_with("MAIL"));
}

TEST(SmtpSession, ReplyLineOverLimitIsAServerFailure) {
    ScriptedServer s([](ScriptedServer& p) { p.send("220 " + std::string(300, 'x') + "\r\n"); });
    SessionSettings st;
    st.line_limit = 256;
    auto res = run(s, two_recipients(), st);
    EXPECT_EQ(res.recipients[0].state, RcptState::Pending);
    EXPECT_NE(res.server_error.find("too long"), std::string::npos);
}

TEST(SmtpSession, EhloRefusedFallsBackToHeloWithoutPipelining) {
    ScriptedServer s([](ScriptedServer& p) {
        p.send("220 hi\r\n");
        p.line();
        p.send("502 no\r\n");
        p.line();
        p.send("250 hello\r\n");
        for (const char* r : {"250 ok\r\n", "250 ok\r\n", "250 ok\r\n", "354 go\r\n"}) {
            p.line();
            p.send(r);
        }
        p.data();
        p.send("250 done\r\n");
        p.line();
    });
    auto res = run(s, two_recipients());
    EXPECT_EQ(res.recipients[1].state, RcptState::Delivered);
    EXPECT_TRUE(s.seen[1].starts_with("HELO "));
    EXPECT_EQ(s.seen[2], "MAIL FROM:<a@example.org>");  // no ESMTP parameters
}

TEST(SmtpSession, LostConnectionAfterTheDotDefers) {
    ScriptedServer s([](ScriptedServer& p) {
        p.send("220 hi\r\n");
        p.line();
        p.send(kEhlo);
        for (int i = 0; i < 4; ++i) p.line();
        p.send("250 ok\r\n250 ok\r\n250 ok\r\n354 go\r\n");
        p.data();
        p.hang_up();
    });
    auto res = run(s, two_recipients(), {}, true);
    EXPECT_EQ(res.recipients[0].state, RcptState::Deferred);
    EXPECT_NE(res.recipients[0].reason.find("may be sent more than once"), std::string::npos);
    EXPECT_FALSE(res.open);  // never cached after a lost connection
}

TEST(SmtpSession, WithdrawnRequestIsNotCommitted) {
    ScriptedServer s([](ScriptedServer& p) {
        p.send("220 hi\r\n");
        p.line();
        p.send(kEhlo);
        for (int i = 0; i < 4; ++i) p.line();
        p.send("250 ok\r\n250 ok\r\n250 ok\r\n354 go\r\n");
        p.line();
    });
    Transaction tx = two_recipients();
    tx.still_wanted = [] { return false; };
    auto res = run(s, tx);
    EXPECT_EQ(res.recipients[0].state, RcptState::Pending);
}

TEST(SmtpSession, RequiredTlsNotOfferedIsAServerFailure) {
    ScriptedServer s([](ScriptedServer& p) {
        p.send("220 hi\r\n");
        p.line();
        p.send(kEhlo);
        p.line();
    });
    auto tls = TlsClient::create(TlsLevel::Encrypt, "");
    ASSERT_TRUE(tls.ok());
    SessionSettings st;
    st.tls = &*tls;
    auto res = run(s, two_recipients(), st);
    EXPECT_EQ(res.recipients[0].state, RcptState::Pending);
    EXPECT_NE(res.server_error.find("TLS is required"), std::string::npos);
}

TEST(SmtpSession, ConnectionRefusedIsAServerFailure) {
    int port;
    {
        ScriptedServer s([](ScriptedServer&) {});
        port = s.port();
        // connect once so the server thread ends
        run_session(two_recipients(), ServerTarget{"x", "127.0.0.1", port}, SessionSettings{});
    }
    auto res = run_session(two_recipients(), ServerTarget{"x", "127.0.0.1", port}, SessionSettings{});
    EXPECT_EQ(res.recipients[0].state, RcptState::Pending);
    EXPECT_NE(res.server_error.find("connect to x[127.0.0.1]"), std::string::npos);
}

// Connection reuse: one transaction, RSET, then the next from MAIL FROM.
void serve_transaction(ScriptedServer& p) {
    for (int i = 0; i < 4; ++i) p.line();
    p.send("250 ok\r\n250 ok\r\n250 ok\r\n354 go\r\n");
    p.data();
    p.send("250 2.0.0 queued\r\n");
}

TEST(SmtpSession, KeptSessionCarriesTheNextTransactionFromMailFrom) {
    std::vector<std::string> seen;  // complete once the server thread is joined
    std::optional<ScriptedServer> s;
    s.emplace([&seen](ScriptedServer& p) {
        p.send("220 hi\r\n");
        p.line();
        p.send(kEhlo);
        serve_transaction(p);
        p.line();
        p.send("250 2.0.0 reset\r\n");
        serve_transaction(p);
        p.line();
        seen = p.seen;
    });
    auto first = run(*s, two_recipients(), {}, true);
    EXPECT_EQ(first.recipients[1].state, RcptState::Delivered);
    ASSERT_TRUE(first.open);
    ASSERT_TRUE(reset_session(*first.open, quick()));
    EXPECT_TRUE(first.open->conn.quiet());
    auto second = resume_session(two_recipients("Subject: two\n\nbody\n"), std::move(*first.open), quick());
    EXPECT_FALSE(second.stale);
    EXPECT_FALSE(second.open);  // not asked to keep it: QUIT
    EXPECT_EQ(second.recipients[0].state, RcptState::Delivered);
    EXPECT_EQ(second.recipients[1].state, RcptState::Delivered);
    s.reset();
    std::vector<std::string> verbs;
    for (const auto& l : seen)
        if (l.size() >= 4 && std::isupper(static_cast<unsigned char>(l[0]))) verbs.push_back(l.substr(0, 4));
    EXPECT_EQ(verbs, (std::vector<std::string>{"EHLO", "MAIL", "RCPT", "RCPT", "DATA", "Subj", "RSET", "MAIL",
                                               "RCPT", "RCPT", "DATA", "Subj", "QUIT"}));
}

// The server dropped the idle session: nothing happened, all Pending.
void expect_stale_on_resume(const std::function<void(ScriptedServer&)>& after_rset) {
    ScriptedServer s([&](ScriptedServer& p) {
        p.send("220 hi\r\n");
        p.line();
        p.send(kEhlo);
        serve_transaction(p);
        p.line();
        p.send("250 reset\r\n");
        after_rset(p);
    });
    auto first = run(s, two_recipients(), {}, true);
    ASSERT_TRUE(first.open);
    ASSERT_TRUE(reset_session(*first.open, quick()));
    auto again = resume_session(two_recipients(), std::move(*first.open), quick(), true);
    EXPECT_TRUE(again.stale) << again.server_error;
    EXPECT_FALSE(again.open);
    for (const auto& r : again.recipients) EXPECT_EQ(r.state, RcptState::Pending);
}

TEST(SmtpSession, ResumedSessionClosedBeforeMailIsStale) {
    expect_stale_on_resume([](ScriptedServer& p) {
        p.line();  // MAIL ... arrives, the server has gone meanwhile
        p.hang_up();
    });
}

TEST(SmtpSession, ResumedSession421ToMailIsStale) {
    expect_stale_on_resume([](ScriptedServer& p) {
        p.line();
        p.send("421 4.4.2 idle too long\r\n");
    });
}

}  // namespace
}  // namespace postern::smtp
