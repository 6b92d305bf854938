<?php
/**
 * Plugin Name:       cookiegate
 * Description:       Puts the cookiegate loader first in <head> (consent banner and tag blocking) and registers cookiegate with the WP Consent API, so plugins that read it follow the visitor's choice.
 * Version:           1.0.0
 * Requires at least: 5.7
 * Requires PHP:      7.4
 * License:           GPL-2.0-or-later
 * Text Domain:       cookiegate
 *
 * The loader must run before any tag on the page, so it is printed at the very start of
 * wp_head (priority COOKIEGATE_HEAD_PRIORITY), before WordPress prints the scripts plugins
 * enqueue (wp_print_head_scripts, priority 9). The site's config must set
 * `platform = "wordpress"`: the loader then hands every decision to the WP Consent API
 * (wp_set_consent), see docs/platforms.md.
 *
 * @package cookiegate
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/** Runs before every other wp_head callback a theme or plugin is likely to add. */
define( 'COOKIEGATE_HEAD_PRIORITY', -1000 );

require_once __DIR__ . '/includes/settings.php';
require_once __DIR__ . '/includes/head.php';

add_action( 'wp_head', 'cookiegate_print_loader', COOKIEGATE_HEAD_PRIORITY );

/*
 * The WP Consent API (https://wordpress.org/plugins/wp-consent-api/): the consent type is read
 * through the wp_get_consent_type filter, and a plugin declares it uses the API with the
 * wp_consent_api_registered_{plugin basename} filter.
 */
add_filter( 'wp_get_consent_type', 'cookiegate_consent_type' );
add_filter( 'wp_consent_api_registered_' . plugin_basename( __FILE__ ), '__return_true' );

if ( is_admin() ) {
	add_action( 'admin_init', 'cookiegate_register_settings' );
	add_action( 'admin_menu', 'cookiegate_add_settings_page' );
}
