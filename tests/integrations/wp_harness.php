<?php
/**
 * Just enough of WordPress to load the cookiegate plugin and run its hooks, for
 * tests/integrations/test_wordpress.py: hooks by priority, options, the script-tag printer and
 * its attribute filter, as WordPress documents them (developer.wordpress.org/reference).
 * Usage: php wp_harness.php PLUGIN_FILE SERVER_URL SITE_ID [SERVER_VARS_JSON] -> JSON on
 * standard output; SERVER_VARS_JSON adds entries to $_SERVER (request headers a CDN sets).
 */

define( 'ABSPATH', __DIR__ . '/' );
// A notice or warning in the plugin fails the test, as it would clutter a real shop's page.
set_error_handler(
	function ( $level, $message, $file, $line ) {
		throw new ErrorException( $message, 0, $level, $file, $line );
	}
);
$GLOBALS['hooks']   = array();
$GLOBALS['options'] = array( 'cookiegate_server_url' => $argv[2], 'cookiegate_site_id' => $argv[3] );
$_SERVER            = array_merge( $_SERVER, json_decode( $argv[4] ?? '{}', true ) );

function add_filter( $hook, $callback, $priority = 10 ) {
	$GLOBALS['hooks'][ $hook ][ $priority ][] = $callback;
	return true;
}
function add_action( $hook, $callback, $priority = 10 ) {
	return add_filter( $hook, $callback, $priority );
}
function apply_filters( $hook, $value, ...$args ) {
	$by_priority = $GLOBALS['hooks'][ $hook ] ?? array();
	ksort( $by_priority );
	foreach ( $by_priority as $callbacks ) {
		foreach ( $callbacks as $callback ) {
			$value = call_user_func( $callback, $value, ...$args );
		}
	}
	return $value;
}
function do_action( $hook ) {
	$by_priority = $GLOBALS['hooks'][ $hook ] ?? array();
	ksort( $by_priority );
	foreach ( $by_priority as $callbacks ) {
		foreach ( $callbacks as $callback ) {
			call_user_func( $callback );
		}
	}
}
function __return_true() {
	return true;
}
function plugin_basename( $file ) {
	return basename( dirname( $file ) ) . '/' . basename( $file );
}
function get_option( $name, $default = false ) {
	return $GLOBALS['options'][ $name ] ?? $default;
}
function is_admin() {
	return false;
}
function esc_url_raw( $url ) {
	return $url;
}
function esc_attr( $text ) {
	return htmlspecialchars( $text, ENT_QUOTES );
}
function wp_print_script_tag( $attributes ) {
	$attributes = apply_filters( 'wp_script_attributes', $attributes );
	$html       = '<script';
	foreach ( $attributes as $name => $value ) {
		$html .= ' ' . $name . '="' . esc_attr( $value ) . '"';
	}
	echo $html . "></script>\n";
}

// What a theme and WordPress itself put in <head>: the enqueued scripts (priority 9) and a
// plugin that also wants to be early (priority 1), and a CSP plugin's nonce.
add_action( 'wp_head', function () { echo "<!-- early plugin -->\n"; }, 1 );
add_action( 'wp_head', function () { echo "<!-- enqueued scripts -->\n"; }, 9 );
add_filter( 'wp_script_attributes', function ( $a ) { return $a + array( 'nonce' => 'n0nce' ); } );

require $argv[1];

ob_start();
do_action( 'wp_head' );
echo json_encode(
	array(
		'head'       => ob_get_clean(),
		'type'       => apply_filters( 'wp_get_consent_type', false ),
		'registered' => apply_filters( 'wp_consent_api_registered_cookiegate/cookiegate.php', false ),
	)
);
