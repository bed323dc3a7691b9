// The one TU that compiles Beast and Asio (BOOST_*_SEPARATE_COMPILATION): keeps transport build time low.
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
