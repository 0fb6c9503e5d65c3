// The headers local adds and the loop check (Postfix's Delivered-To).
//
// Every delivery (mbox and Maildir) starts the stored message with
//     Return-Path: <SENDER>
//     Delivered-To: RECIPIENT
// A message that already carries "Delivered-To: RECIPIENT" (compared
// case-insensitively) has been here before: it bounces 5.4.6 instead of
// looping forever between a forward and its target.
#pragma once

#include <string>
#include <string_view>

namespace postern::local {

// "Delivered-To: recipient\n" (value made one-line); forwarded copies
// carry only this one.
std::string delivered_to_header(std::string_view recipient);

// "Return-Path: <sender>\nDelivered-To: recipient\n" (values made one-line).
std::string delivery_headers(std::string_view sender, std::string_view recipient);

// True when header_block (unfolded; ends at the first empty line) has a
// Delivered-To: header whose value equals recipient, ignoring case and <>.
bool has_delivered_to(std::string_view header_block, std::string_view recipient);

}  // namespace postern::local
